import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import { hashBuffer } from '../core/hash.js';
import { didYouMean } from '../core/didYouMean.js';
import type { Repo } from '../core/repo.js';
import { findPipelineFiles, pipelineDir, pipelineFilesAt, PIPELINE_FILE, sortPipelineFiles, stageAddress } from '../data/findPipelineFiles.js';
import { expandStage } from './expand.js';
import { DEFAULT_PARAMS_FILE, parseStructured, readTextAt } from './params.js';
import { checkKeys, resolveStage, STAGE_NAME, TOP_LEVEL_KEYS } from './schema.js';
import { resolveTopLevel, TOP_LEVEL_SECTIONS } from './topLevel.js';
import { interpolateValue } from './interpolate.js';
import type { Pipeline, Stage } from './types.js';
import { yamlSyntaxError } from './syntaxError.js';
import { validatePipeline } from './validate.js';
import { globalContext, varsFiles, type ReadData } from './vars.js';

/** Reading cairn.yaml into the Pipeline model: parse, template, expand foreach/matrix, validate. */

export { PIPELINE_FILE };

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
  return { file, files: [], stages: new Map(), metrics: [], plots: [], params: [], artifacts: new Map() };
}

/** Resolves one parsed pipeline file into the model, reading params/vars files only through `readData`. Pure. */
export function resolvePipeline(raw: Record<string, unknown>, options: { file: string; readData: ReadData }): Pipeline {
  const { file } = options;
  try {
    const pipeline = resolveOne(raw, options);
    validatePipeline(pipeline);
    return pipeline;
  } catch (err) {
    // Errors name stages by their local name; outside the root file, say which file they are in.
    if (err instanceof CairnError && file !== PIPELINE_FILE && !err.message.includes(file)) {
      throw new CairnError(err.code, `${file}: ${err.message}`, { hint: err.hint, data: { ...err.data, file } });
    }
    throw err;
  }
}

function resolveOne(raw: Record<string, unknown>, options: { file: string; readData: ReadData }): Pipeline {
  const { file, readData } = options;
  const dir = pipelineDir(file);
  checkTopLevel(raw, file);
  const ctx = globalContext(raw.vars, readData, dir);
  const stages = new Map<string, Stage>();
  const local = new Set<string>();
  for (const [name, def] of Object.entries((raw.stages ?? {}) as Record<string, unknown>)) {
    if (!STAGE_NAME.test(name)) {
      throw new CairnError('INVALID', `bad stage name "${name}" in ${file}`, {
        hint: 'use letters, digits, "_", "-" and "."; "@" is reserved for foreach and matrix instances',
        data: { stage: name },
      });
    }
    if (!isPlainObject(def)) throw new CairnError('INVALID', `stage "${name}" must be a mapping with at least "cmd"`, { hint: `e.g. \`${name}: {cmd: python ${name}.py}\``, data: { stage: name } });
    for (const instance of expandStage(name, def, ctx)) {
      if (local.has(instance.name)) {
        throw new CairnError('INVALID', `two stages are named "${instance.name}" in ${file}`, {
          hint: 'rename one of them (foreach and matrix instances are named stage@item)',
          data: { stage: instance.name },
        });
      }
      local.add(instance.name);
      const stage = resolveStage(instance, { file, readData });
      stages.set(stage.name, stage);
    }
  }
  // As DVC does, `${...}` in the top-level sections takes values from the file's global context (params.yaml, vars).
  const sections = Object.fromEntries(TOP_LEVEL_SECTIONS.filter((k) => raw[k] !== undefined)
    .map((k) => [k, interpolateValue(raw[k], ctx, { stage: null, field: `top-level ${k}` })]));
  const top = resolveTopLevel(sections, { dir, file });
  return {
    file, files: [file], stages, metrics: top.metrics, plots: top.plots, params: top.params,
    artifacts: new Map(top.artifacts.map((a) => [stageAddress(file, a.name), a])),
  };
}

/** Every file resolving may read, for pre-reading them at a Git revision (stage vars only where wdir is literal). */
function filesToPrefetch(raw: Record<string, unknown>, dir: string): string[] {
  const files = new Set<string>([path.posix.join(dir, DEFAULT_PARAMS_FILE), ...varsFiles(raw.vars, dir)]);
  for (const def of Object.values(isPlainObject(raw.stages) ? raw.stages : {})) {
    if (!isPlainObject(def)) continue;
    const body = isPlainObject(def.do) ? def.do : def;
    const wdir = path.posix.join(dir, typeof body.wdir === 'string' && !body.wdir.includes('${') ? body.wdir : '.');
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
const PARSE_CACHE_VERSION = 3;

type ParseCache = Record<string, { hash: string; raw: Record<string, unknown> }>;

/**
 * Parsed pipeline files keyed by path and the SHA-256 of their text, kept in .cairn/tmp: YAML parsing dominates
 * loading a large pipeline, and JSON.parse of the same data is many times faster, which matters for a no-op repro.
 */
async function parseCached(repo: Repo, texts: Map<string, string>): Promise<Map<string, Record<string, unknown>>> {
  const file = path.join(repo.tmpDir, PARSE_CACHE);
  let cached: ParseCache = {};
  try {
    const read = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number; files: ParseCache };
    if (read.version === PARSE_CACHE_VERSION && isPlainObject(read.files)) cached = read.files;
  } catch {
    // No cache yet or an unreadable one: parse and write it again.
  }
  const out = new Map<string, Record<string, unknown>>();
  const next: ParseCache = {};
  let changed = Object.keys(cached).length !== texts.size;
  for (const [f, text] of texts) {
    const hash = hashBuffer(text);
    const hit = cached[f];
    const raw = hit && hit.hash === hash ? hit.raw : parsePipelineText(text, f);
    if (raw !== hit?.raw) changed = true;
    next[f] = { hash, raw };
    out.set(f, raw);
  }
  // The cache is only an accelerator: failing to write it (read-only checkout, no .cairn/tmp yet) must not fail the load.
  if (changed) {
    await fs.mkdir(repo.tmpDir, { recursive: true })
      .then(() => writeFileAtomic(file, JSON.stringify({ version: PARSE_CACHE_VERSION, files: next }), { fsync: false }))
      .catch(() => {});
  }
  return out;
}

/** One pipeline out of the pipelines of several files; cross-file rules (outputs, cycles) are checked by the caller. Pure. */
export function mergePipelines(parts: Pipeline[]): Pipeline {
  const merged = emptyPipeline(PIPELINE_FILE);
  for (const p of parts) {
    merged.files.push(p.file);
    for (const [name, stage] of p.stages) merged.stages.set(name, stage);
    merged.metrics.push(...p.metrics.filter((m) => !merged.metrics.includes(m)));
    merged.params.push(...p.params.filter((m) => !merged.params.includes(m)));
    merged.plots.push(...p.plots);
    for (const [name, artifact] of p.artifacts) merged.artifacts.set(name, artifact);
  }
  return merged;
}

export interface LoadPipelineOptions {
  /** Read the pipeline files and their params/vars files at this Git revision instead of the workspace. */
  rev?: string;
  /** Use this text for one pipeline file instead of what is on disk (to check an edit before writing it). */
  override?: { file: string; text: string };
}

/**
 * Loads every pipeline file of the repository (each cairn.yaml outside ignored folders, as DVC collects every
 * dvc.yaml) into one validated pipeline whose stages are keyed by address; empty when there is none.
 */
export async function loadPipeline(repo: Repo, options: LoadPipelineOptions = {}): Promise<Pipeline> {
  const { rev, override } = options;
  const found = rev === undefined ? await findPipelineFiles(repo) : await pipelineFilesAt(repo, rev);
  const files = override && !found.includes(override.file) ? sortPipelineFiles([...found, override.file]) : found;
  if (files.length === 0) return emptyPipeline(PIPELINE_FILE);
  const texts = new Map<string, string>();
  await Promise.all(files.map(async (f) => {
    const text = override?.file === f ? override.text : await readTextAt(repo, f, rev);
    if (text !== null) texts.set(f, text);
  }));
  const ordered = new Map(files.filter((f) => texts.has(f)).map((f) => [f, texts.get(f)!]));
  let parts: Pipeline[];
  if (rev === undefined) {
    const raws = await parseCached(repo, ordered);
    const readData = workspaceReader(repo.root);
    parts = [...raws].map(([file, raw]) => resolvePipeline(raw, { file, readData }));
  } else {
    parts = await Promise.all([...ordered].map(async ([file, text]) => {
      const raw = parsePipelineText(text, file);
      const wanted = filesToPrefetch(raw, pipelineDir(file));
      const found = await Promise.all(wanted.map((f) => readTextAt(repo, f, rev)));
      const data = new Map<string, unknown>();
      wanted.forEach((f, i) => {
        if (found[i] !== null) data.set(f, parseStructured(found[i]!, f));
      });
      return resolvePipeline(raw, { file, readData: (f) => data.get(f) });
    }));
  }
  if (parts.length === 1) return parts[0];
  const merged = mergePipelines(parts);
  validatePipeline(merged);
  return merged;
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
 * Applies a text edit to a pipeline file (default: the root cairn.yaml) and writes it atomically, but only if the
 * whole pipeline still loads and validates with the edit; on any error the file is left exactly as it was.
 */
export async function editPipelineFile(repo: Repo, edit: (text: string) => string, file = PIPELINE_FILE): Promise<{ text: string; pipeline: Pipeline }> {
  const before = (await readTextAt(repo, file)) ?? '';
  const text = edit(before);
  const pipeline = await loadPipeline(repo, { override: { file, text } });
  if (text !== before) await writeFileAtomic(path.join(repo.root, file), text);
  return { text, pipeline };
}
