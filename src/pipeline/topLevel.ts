import path from 'node:path';
import { CairnError } from '../core/errors.js';
import { checkKeys } from './schema.js';
import type { Artifact, TopLevelPlot } from './types.js';

/**
 * The top-level `metrics:`, `plots:`, `params:` and `artifacts:` sections of a pipeline file, read as DVC reads them
 * (DVCLive writes them). Paths are relative to the pipeline file's folder. Pure.
 */

/** The top-level keys read here (beside `stages` and `vars`). */
export const TOP_LEVEL_SECTIONS = ['metrics', 'plots', 'params', 'artifacts'] as const;

export interface TopLevelSections {
  metrics: string[];
  plots: TopLevelPlot[];
  params: string[];
  artifacts: Artifact[];
}

const PLOT_KEYS = ['x', 'y', 'template', 'title', 'x_label', 'y_label'];
// DVC's keys, and cairn's `serve` (the command that serves the model, written into its bundle's model card).
const ARTIFACT_KEYS = ['path', 'type', 'desc', 'labels', 'meta', 'serve'];
/** DVC's artifact names (its `NAME_RE`): lowercase letters and digits, with `-` and `/` inside. */
export const ARTIFACT_NAME = /^[a-z0-9]([a-z0-9-/]*[a-z0-9])?$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(file: string, message: string, hint: string, data: Record<string, unknown> = {}): CairnError {
  return new CairnError('INVALID', `${file}: ${message}`, { hint, data: { file, ...data } });
}

/** A path of a top-level section as a repo-relative `/` path; outside the repository is refused. */
function repoPath(dir: string, p: unknown, file: string, section: string): string {
  if (typeof p !== 'string' || p.trim() === '') throw invalid(file, `"${section}" has an empty or non-string path: ${JSON.stringify(p)}`, `list ${section} as file paths`);
  if (path.posix.isAbsolute(p)) throw invalid(file, `${section} path "${p}" is absolute`, `use a path relative to the folder of ${file}`, { path: p });
  const joined = path.posix.normalize(path.posix.join(dir, p.replace(/\\/g, '/'))).replace(/\/+$/, '');
  if (joined === '..' || joined.startsWith('../')) throw invalid(file, `${section} path "${p}" is outside the repository`, 'keep it inside the repository', { path: p });
  if (joined === '.' || joined === '') throw invalid(file, `${section} path "${p}" is the repository root`, 'name a file inside the repository', { path: p });
  return joined;
}

function pathList(value: unknown, dir: string, file: string, section: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(file, `top-level "${section}" must be a list of file paths, not ${JSON.stringify(value)}`, `e.g. \`${section}: [${section === 'params' ? 'params.yaml' : 'metrics.json'}]\``);
  return [...new Set(value.map((p) => repoPath(dir, p, file, section)))];
}

const stringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

function parsePlot(entry: unknown, dir: string, file: string): TopLevelPlot {
  if (typeof entry === 'string') return { id: entry, y: [{ file: repoPath(dir, entry, file, 'plots'), fields: [] }], source: file };
  if (!isPlainObject(entry) || Object.keys(entry).length !== 1) {
    throw invalid(file, `plots entry ${JSON.stringify(entry)} must be a path or {id: {options}}`, 'e.g. `- logs.csv` or `- acc: {x: step, y: {train.csv: acc, test.csv: acc}}`');
  }
  const [id, def] = Object.entries(entry)[0];
  const opts = def ?? {};
  if (!isPlainObject(opts)) throw invalid(file, `options of plot "${id}" must be a mapping`, 'e.g. `{x: step, y: loss, title: Loss}`');
  checkKeys(opts, PLOT_KEYS, `plot "${id}" of ${file}`, null);
  for (const key of ['template', 'title', 'x_label', 'y_label']) {
    if (opts[key] !== undefined && typeof opts[key] !== 'string') throw invalid(file, `"${key}" of plot "${id}" must be text`, `e.g. \`${key}: ...\``);
  }
  const plot: TopLevelPlot = { id, y: [], source: file };
  for (const key of ['template', 'title', 'x_label', 'y_label'] as const) if (typeof opts[key] === 'string') plot[key] = opts[key] as string;
  const { x, y } = opts;
  if (isPlainObject(y)) {
    // `y: {file: field(s)}`: the id is a name, and each key a data file (DVC's multi-file plot).
    for (const [f, fields] of Object.entries(y)) {
      if (typeof fields !== 'string' && !stringList(fields)) throw invalid(file, `y of plot "${id}": the fields of ${f} must be a name or a list of names`, `e.g. \`y: {${f}: [loss, val_loss]}\``);
      plot.y.push({ file: repoPath(dir, f, file, 'plots'), fields: typeof fields === 'string' ? [fields] : (fields as string[]) });
    }
    if (plot.y.length === 0) throw invalid(file, `y of plot "${id}" names no file`, 'e.g. `y: {train.csv: loss}`');
  } else {
    if (y !== undefined && typeof y !== 'string' && !stringList(y)) throw invalid(file, `y of plot "${id}" must be a field, a list of fields, or {file: fields}`, 'e.g. `y: loss` or `y: {train.csv: loss}`');
    plot.y.push({ file: repoPath(dir, id, file, 'plots'), fields: y === undefined ? [] : typeof y === 'string' ? [y] : (y as string[]) });
  }
  if (typeof x === 'string') plot.x = { field: x };
  else if (isPlainObject(x)) {
    const pairs = Object.entries(x);
    if (pairs.length !== 1 || typeof pairs[0][1] !== 'string') throw invalid(file, `x of plot "${id}" must be a field or {file: field} for one file`, 'e.g. `x: step` or `x: {train.csv: step}`');
    plot.x = { file: repoPath(dir, pairs[0][0], file, 'plots'), field: pairs[0][1] as string };
  } else if (x !== undefined) {
    throw invalid(file, `x of plot "${id}" must be a field or {file: field}`, 'e.g. `x: step`');
  }
  return plot;
}

function parseArtifact(name: string, def: unknown, dir: string, file: string): Artifact {
  if (!ARTIFACT_NAME.test(name)) {
    throw invalid(file, `bad artifact name "${name}"`, 'use lowercase letters, digits, and "-" or "/" between them (e.g. `text-classifier`)', { artifact: name });
  }
  if (!isPlainObject(def)) throw invalid(file, `artifact "${name}" must be a mapping with at least "path"`, `e.g. \`${name}: {path: models/model.pkl, type: model}\``, { artifact: name });
  checkKeys(def, ARTIFACT_KEYS, `artifact "${name}" of ${file}`, null);
  if (def.path === undefined) throw invalid(file, `artifact "${name}" has no "path"`, `add \`path:\` with the file or folder of ${name}`, { artifact: name });
  const artifact: Artifact = { name, path: repoPath(dir, def.path, file, 'artifacts'), labels: [], source: file };
  const examples = { type: 'e.g. `type: model`', desc: 'e.g. `desc: Fine-tuned ResNet50`', serve: 'e.g. `serve: python serve.py --model models/model.pkl`' };
  for (const key of ['type', 'desc', 'serve'] as const) {
    if (def[key] === undefined || def[key] === null) continue;
    if (typeof def[key] !== 'string') throw invalid(file, `"${key}" of artifact "${name}" must be text`, examples[key]);
    artifact[key] = def[key] as string;
  }
  if (def.labels !== undefined && def.labels !== null) {
    if (!stringList(def.labels)) throw invalid(file, `"labels" of artifact "${name}" must be a list of text`, 'e.g. `labels: [resnet, imagenet]`');
    artifact.labels = [...new Set(def.labels as string[])];
  }
  if (def.meta !== undefined) artifact.meta = def.meta;
  return artifact;
}

/** The four sections of one pipeline file; `dir` is its folder, repo-relative (`.` for the root). */
export function resolveTopLevel(raw: Record<string, unknown>, options: { dir: string; file: string }): TopLevelSections {
  const { dir, file } = options;
  if (raw.plots !== undefined && raw.plots !== null && !Array.isArray(raw.plots)) {
    throw invalid(file, 'top-level "plots" must be a list', 'e.g. `plots: [logs.csv, {acc: {y: {train.csv: acc}}}]`');
  }
  if (raw.artifacts !== undefined && raw.artifacts !== null && !isPlainObject(raw.artifacts)) {
    throw invalid(file, 'top-level "artifacts" must be a mapping of names to artifacts', 'e.g. `artifacts: {classifier: {path: model.pkl, type: model}}`');
  }
  const plots = ((raw.plots ?? []) as unknown[]).map((e) => parsePlot(e, dir, file));
  const ids = new Set<string>();
  for (const p of plots) {
    if (ids.has(p.id)) throw invalid(file, `plot "${p.id}" is declared twice`, 'give each top-level plot its own id');
    ids.add(p.id);
  }
  return {
    metrics: pathList(raw.metrics, dir, file, 'metrics'),
    params: pathList(raw.params, dir, file, 'params'),
    plots,
    artifacts: Object.entries((raw.artifacts ?? {}) as Record<string, unknown>).map(([name, def]) => parseArtifact(name, def, dir, file)),
  };
}
