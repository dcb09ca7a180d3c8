import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import { hashBuffer } from '../core/hash.js';
import { didYouMean } from '../core/didYouMean.js';
import type { Repo } from '../core/repo.js';
import { expandStage } from './expand.js';
import { DEFAULT_PARAMS_FILE, parseStructured, readTextAt } from './params.js';
import { checkKeys, resolveStage, STAGE_NAME, TOP_LEVEL_KEYS } from './schema.js';
import { resolveTopLevel } from './topLevel.js';
import type { Pipeline, Stage } from './types.js';
import { yamlSyntaxError } from './syntaxError.js';
import { validatePipeline } from './validate.js';
import { globalContext, varsFiles, type ReadData } from './vars.js';

/** Reading cairn.yaml into the Pipeline model: parse, template, expand foreach/matrix, validate. */

export const PIPELINE_FILE = 'cairn.yaml';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses cairn.yaml text into plain data (anchors and merge keys resolved) with YAML errors that show the line. Pure. */
export function parsePipelineText(text: string, file: string): Record<string, unknown> {
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  if (doc.errors.length) {
    throw yamlSyntaxError(doc.errors[0], text, file);
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) throw new CairnError('INVALID', `${file} must be a mapping with a "stages:" key`, { hint: 'start the file with `stages:`' });
  return raw;
}

function checkTopLevel(raw: Record<string, unknown>, file: string): void {
  if ('datasets' in raw) {
    throw new CairnError('INVALID', `top-level "datasets" in ${file} is not supported: cairn does not read DVC's dataset declarations`, {
      hint: 'remove the section; bring data from another repository with `cairn import`',
      data: { key: 'datasets' },
    });
  }
  checkKeys(raw, TOP_LEVEL_KEYS, file, null);
  if (raw.stages !== undefined && raw.stages !== null && !isPlainObject(raw.stages)) {
    throw new CairnError('INVALID', `"stages" in ${file} must be a mapping of stage names to stages`, { hint: 'e.g. `stages: {train: {cmd: python train.py}}`' });
  }
}

/** A pipeline with nothing in it (no cairn.yaml). */
export function emptyPipeline(file: string): Pipeline {
  return { file, stages: new Map(), metrics: [], plots: [], params: [], artifacts: new Map() };
}

/** Resolves parsed cairn.yaml data into the model, reading params/vars files only through `readData`. Pure. */
export function resolvePipeline(raw: Record<string, unknown>, options: { file: string; readData: ReadData }): Pipeline {
  const { file, readData } = options;
  checkTopLevel(raw, file);
  const ctx = globalContext(raw.vars, readData);
  const stages = new Map<string, Stage>();
  for (const [name, def] of Object.entries((raw.stages ?? {}) as Record<string, unknown>)) {
    if (!STAGE_NAME.test(name)) {
      throw new CairnError('INVALID', `bad stage name "${name}" in ${file}`, {
        hint: 'use letters, digits, "_", "-" and "."; "@" is reserved for foreach and matrix instances',
        data: { stage: name },
      });
    }
    if (!isPlainObject(def)) throw new CairnError('INVALID', `stage "${name}" must be a mapping with at least "cmd"`, { hint: `e.g. \`${name}: {cmd: python ${name}.py}\``, data: { stage: name } });
    for (const instance of expandStage(name, def, ctx)) {
      if (stages.has(instance.name)) {
        throw new CairnError('INVALID', `two stages are named "${instance.name}" in ${file}`, {
          hint: 'rename one of them (foreach and matrix instances are named stage@item)',
          data: { stage: instance.name },
        });
      }
      stages.set(instance.name, resolveStage(instance, { file, readData }));
    }
  }
  const top = resolveTopLevel(raw, { dir: '.', file });
  const pipeline: Pipeline = {
    file, stages, metrics: top.metrics, plots: top.plots, params: top.params,
    artifacts: new Map(top.artifacts.map((a) => [a.name, a])),
  };
  validatePipeline(pipeline);
  return pipeline;
}

/** Every file resolving may read, for pre-reading them at a Git revision (stage vars only where wdir is literal). */
function filesToPrefetch(raw: Record<string, unknown>): string[] {
  const files = new Set<string>([DEFAULT_PARAMS_FILE, ...varsFiles(raw.vars, '.')]);
  for (const def of Object.values(isPlainObject(raw.stages) ? raw.stages : {})) {
    if (!isPlainObject(def)) continue;
    const body = isPlainObject(def.do) ? def.do : def;
    const wdir = typeof body.wdir === 'string' && !body.wdir.includes('${') ? body.wdir : '.';
    files.add(path.posix.join(wdir, DEFAULT_PARAMS_FILE));
    for (const f of varsFiles(body.vars, wdir)) files.add(f);
  }
  return [...files].filter((f) => !f.startsWith('../'));
}

/** Reads workspace files on demand, each at most once per load. */
function workspaceReader(root: string): ReadData {
  const cache = new Map<string, unknown>();
  return (file) => {
    if (cache.has(file)) return cache.get(file);
    let value: unknown;
    try {
      value = parseStructured(readFileSync(path.join(root, file), 'utf8'), file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR') throw err instanceof CairnError ? err : fromSystemError(err, `could not read ${file}`);
      value = undefined;
    }
    cache.set(file, value);
    return value;
  };
}

const PARSE_CACHE = 'pipeline-parse.json';
const PARSE_CACHE_VERSION = 2;

/**
 * Parsed cairn.yaml keyed by the SHA-256 of its text, kept in .cairn/tmp: YAML parsing dominates loading a large
 * pipeline, and JSON.parse of the same data is many times faster, which matters for a no-op `cairn repro`.
 */
async function parseCached(repo: Repo, text: string): Promise<Record<string, unknown>> {
  const file = path.join(repo.tmpDir, PARSE_CACHE);
  const hash = hashBuffer(text);
  try {
    const cached = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number; hash: string; raw: Record<string, unknown> };
    if (cached.version === PARSE_CACHE_VERSION && cached.hash === hash) return cached.raw;
  } catch {
    // No cache yet or an unreadable one: parse and write it again.
  }
  const raw = parsePipelineText(text, PIPELINE_FILE);
  // The cache is only an accelerator: failing to write it (read-only checkout, no .cairn/tmp yet) must not fail the load.
  await fs.mkdir(repo.tmpDir, { recursive: true })
    .then(() => writeFileAtomic(file, JSON.stringify({ version: PARSE_CACHE_VERSION, hash, raw }), { fsync: false }))
    .catch(() => {});
  return raw;
}

export interface LoadPipelineOptions {
  /** Read cairn.yaml and its params/vars files at this Git revision instead of the workspace. */
  rev?: string;
}

/** Loads and validates cairn.yaml (an empty pipeline when there is none). */
export async function loadPipeline(repo: Repo, options: LoadPipelineOptions = {}): Promise<Pipeline> {
  const text = await readTextAt(repo, PIPELINE_FILE, options.rev);
  if (text === null) return emptyPipeline(PIPELINE_FILE);
  if (options.rev === undefined) {
    const raw = await parseCached(repo, text);
    return resolvePipeline(raw, { file: PIPELINE_FILE, readData: workspaceReader(repo.root) });
  }
  const raw = parsePipelineText(text, PIPELINE_FILE);
  const rev = options.rev;
  const files = filesToPrefetch(raw);
  const texts = await Promise.all(files.map((f) => readTextAt(repo, f, rev)));
  const data = new Map<string, unknown>();
  files.forEach((f, i) => {
    if (texts[i] !== null) data.set(f, parseStructured(texts[i]!, f));
  });
  return resolvePipeline(raw, { file: PIPELINE_FILE, readData: (f) => data.get(f) });
}

/** NOT_FOUND with a did-you-mean for a stage name that is not in the pipeline (freeze, stage, metrics targets). */
export function unknownStage(pipeline: Pipeline, name: string): CairnError {
  const guess = didYouMean(name, [...pipeline.stages.keys()]);
  return new CairnError('NOT_FOUND', `no stage named "${name}" in ${pipeline.file}`, {
    hint: guess ? `did you mean "${guess}"? (\`cairn stage list\` shows all stages)` : '`cairn stage list` shows all stages',
    data: { stage: name },
  });
}

/**
 * Applies a text edit to cairn.yaml and writes it atomically, but only if the edited file still loads and
 * validates; on any error the file is left exactly as it was.
 */
export async function editPipelineFile(repo: Repo, edit: (text: string) => string): Promise<{ text: string; pipeline: Pipeline }> {
  const before = (await readTextAt(repo, PIPELINE_FILE)) ?? '';
  const text = edit(before);
  const pipeline = resolvePipeline(parsePipelineText(text, PIPELINE_FILE), { file: PIPELINE_FILE, readData: workspaceReader(repo.root) });
  if (text !== before) await writeFileAtomic(path.join(repo.root, PIPELINE_FILE), text);
  return { text, pipeline };
}
