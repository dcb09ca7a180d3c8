import path from 'node:path';
import { CairnError } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import { interpolateValue, lookupKey, type VarContext } from './interpolate.js';
import { pipelineDir, stageAddress } from '../data/findPipelineFiles.js';
import { DEFAULT_PARAMS_FILE } from './params.js';
import type { OutKind, OutSpec, ParamSpec, PlotOptions, Stage, StageResources } from './types.js';
import { applyVars, type ReadData } from './vars.js';
import type { StageInstance } from './expand.js';

/** The cairn.yaml keys and the normalisation of one resolved stage definition into the Stage model. Pure. */

export const TOP_LEVEL_KEYS = ['stages', 'vars', 'metrics', 'plots', 'params', 'artifacts'] as const;
export const STAGE_KEYS = [
  'cmd', 'deps', 'params', 'outs', 'metrics', 'plots', 'wdir', 'desc', 'frozen', 'always_changed', 'vars', 'foreach', 'do', 'matrix',
  'resources', 'sbatch',
] as const;
export const RESOURCE_KEYS = ['cpus', 'mem', 'gpus', 'time', 'partition'] as const;
const OUT_OPTION_KEYS = ['cache', 'persist', 'push'];
const PLOT_OPTION_KEYS = ['x', 'y', 'template', 'title', 'x_label', 'y_label'];
/** File extensions that make a bare params entry mean "the whole file" when it is not a key of params.yaml. */
const PARAMS_FILE_EXT = /\.(ya?ml|json|toml)$/i;
/** Declared stage names: letters, digits, `_`, `-`, `.`; `@` is reserved for foreach/matrix instances. */
export const STAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stageError(stage: string, message: string, hint?: string, data: Record<string, unknown> = {}): CairnError {
  return new CairnError('INVALID', `stage "${stage}": ${message}`, { hint, data: { stage, ...data } });
}

/** Rejects an unknown key with the closest known one as a suggestion. */
export function checkKeys(obj: Record<string, unknown>, known: readonly string[], where: string, stage: string | null): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = didYouMean(key, known);
    throw new CairnError('INVALID', `unknown key "${key}" in ${where}`, {
      hint: guess ? `did you mean "${guess}"? (known keys: ${known.join(', ')})` : `known keys: ${known.join(', ')}`,
      data: { stage, key },
    });
  }
}

/** A stage path (`wdir`-relative) as a normalized repo-relative `/` path; paths outside the repository are refused. */
export function normalizeStagePath(wdir: string, p: string, stage: string, field: string): string {
  if (typeof p !== 'string' || p.trim() === '') throw stageError(stage, `${field} has an empty or non-string path: ${JSON.stringify(p)}`, `list ${field} as file or folder paths`);
  if (path.posix.isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p)) {
    throw stageError(stage, `${field} path "${p}" is absolute`, 'use a path relative to the stage wdir, inside the repository', { path: p });
  }
  const joined = path.posix.normalize(path.posix.join(wdir, p.replace(/\\/g, '/'))).replace(/\/+$/, '');
  if (joined === '..' || joined.startsWith('../')) {
    throw stageError(stage, `${field} path "${p}" is outside the repository`, 'keep deps and outputs inside the repository (no leading ../)', { path: p });
  }
  if (joined === '.' || joined === '') throw stageError(stage, `${field} path "${p}" is the repository root`, 'name a file or folder inside the repository', { path: p });
  return joined;
}

function asList(value: unknown, stage: string, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw stageError(stage, `"${field}" must be a list, not ${JSON.stringify(value)}`, `write a YAML list, e.g. \`${field}: [path]\` or one \`- path\` line per entry under \`${field}:\``);
  return value;
}

function parseOut(entry: unknown, kind: OutKind, field: string, wdir: string, stage: string): OutSpec {
  const out: OutSpec = { path: '', kind, cache: true, persist: false, push: true };
  if (typeof entry === 'string') {
    out.path = normalizeStagePath(wdir, entry, stage, field);
    return out;
  }
  if (!isPlainObject(entry) || Object.keys(entry).length !== 1) {
    throw stageError(stage, `${field} entry ${JSON.stringify(entry)} must be a path or {path: {options}}`, 'e.g. `- model.pkl` or `- metrics.json: {cache: false}`');
  }
  const [p, opts] = Object.entries(entry)[0];
  out.path = normalizeStagePath(wdir, p, stage, field);
  if (opts === null || opts === undefined) return out;
  if (!isPlainObject(opts)) throw stageError(stage, `options of ${field} "${p}" must be a mapping`, 'e.g. `{cache: false, persist: true}`');
  const known = kind === 'plot' ? [...OUT_OPTION_KEYS, ...PLOT_OPTION_KEYS] : OUT_OPTION_KEYS;
  checkKeys(opts, known, `${field} "${p}" of stage "${stage}"`, stage);
  for (const flag of OUT_OPTION_KEYS) {
    if (opts[flag] === undefined) continue;
    if (typeof opts[flag] !== 'boolean') throw stageError(stage, `"${flag}" of ${field} "${p}" must be true or false`);
    (out as unknown as Record<string, boolean>)[flag] = opts[flag] as boolean;
  }
  if (kind === 'plot') {
    const plot: PlotOptions = {};
    for (const key of PLOT_OPTION_KEYS) {
      const v = opts[key];
      if (v === undefined) continue;
      const ok = typeof v === 'string' || (key === 'y' && Array.isArray(v) && v.every((x) => typeof x === 'string'));
      if (!ok) throw stageError(stage, `plot option "${key}" of "${p}" must be a string${key === 'y' ? ' or a list of strings' : ''}`);
      (plot as Record<string, unknown>)[key] = v;
    }
    if (Object.keys(plot).length) out.plot = plot;
  }
  return out;
}

function addParam(specs: ParamSpec[], file: string, keys: string[] | null): void {
  const existing = specs.find((s) => s.file === file);
  if (!existing) specs.push({ file, keys: keys === null ? null : [...new Set(keys)] });
  else if (existing.keys !== null) existing.keys = keys === null ? null : [...new Set([...existing.keys, ...keys])];
}

function parseParams(value: unknown, wdir: string, stage: string, readData: ReadData): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const defaultFile = path.posix.join(wdir, DEFAULT_PARAMS_FILE);
  for (const entry of asList(value, stage, 'params')) {
    if (typeof entry === 'string') {
      // DVC reads a bare entry as a key of params.yaml; a file-like name that is not such a key tracks that whole file.
      if (PARAMS_FILE_EXT.test(entry) && !lookupKey(readData(defaultFile), entry).found) {
        addParam(specs, normalizeStagePath(wdir, entry, stage, 'params'), null);
      } else {
        addParam(specs, defaultFile, [entry]);
      }
      continue;
    }
    if (!isPlainObject(entry)) throw stageError(stage, `params entry ${JSON.stringify(entry)} must be a key or {file: [keys]}`, 'e.g. `- lr` or `- train.yaml: [epochs, model.depth]`');
    for (const [file, keys] of Object.entries(entry)) {
      const rel = normalizeStagePath(wdir, file, stage, 'params');
      if (keys === null || keys === undefined || (Array.isArray(keys) && keys.length === 0)) addParam(specs, rel, null);
      else if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) addParam(specs, rel, keys as string[]);
      else throw stageError(stage, `params of ${file} must be a list of keys, not ${JSON.stringify(keys)}`, `e.g. \`- ${file}: [a.b, c]\` (or nothing, for the whole file)`);
    }
  }
  return specs;
}

function parseCmd(value: unknown, stage: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string' && c.trim() !== '')) {
    throw stageError(stage, value === undefined ? 'missing "cmd"' : `"cmd" must be a command or a list of commands, not ${JSON.stringify(value)}`, 'add `cmd: python train.py` (or a list of commands)');
  }
  return list as string[];
}

function parseBool(value: unknown, stage: string, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw stageError(stage, `"${field}" must be true or false, not ${JSON.stringify(value)}`);
  return value;
}

const MEM = /^\d+(\.\d+)?[KMGT]?$/i;
const GPUS = /^([A-Za-z0-9_.-]+:)?\d+$/;
const TIME = /^(\d+-)?\d+(:\d{1,2}){0,2}$/;

/** `resources:` and `sbatch:` of a stage: checked here, so a typo fails before anything is submitted. */
function parseResources(value: unknown, sbatch: unknown, stage: string): StageResources | undefined {
  if ((value === undefined || value === null) && (sbatch === undefined || sbatch === null)) return undefined;
  const out: StageResources = {};
  if (value !== undefined && value !== null) {
    if (!isPlainObject(value)) throw stageError(stage, `"resources" must be a mapping, not ${JSON.stringify(value)}`, 'e.g. `resources: {cpus: 4, mem: 16G, gpus: 1, time: "2:00:00"}`');
    checkKeys(value, RESOURCE_KEYS, `resources of stage "${stage}"`, stage);
    const bad = (key: string, what: string) => stageError(stage, `resources.${key} ${JSON.stringify(value[key])} is not ${what}`, 'see "resources" in docs/pipeline-file.md');
    const text = (key: string) => (value[key] === undefined || value[key] === null ? undefined : String(value[key]));
    if (value.cpus !== undefined && value.cpus !== null) {
      if (!Number.isInteger(value.cpus) || (value.cpus as number) < 1) throw bad('cpus', 'a whole number of CPUs (1 or more)');
      out.cpus = value.cpus as number;
    }
    const mem = text('mem');
    if (mem !== undefined) {
      if (!MEM.test(mem)) throw bad('mem', 'a size (megabytes, or a number with K, M, G or T such as 16G)');
      out.mem = mem.toUpperCase();
    }
    const gpus = text('gpus');
    if (gpus !== undefined) {
      if (!GPUS.test(gpus)) throw bad('gpus', 'a number of GPUs or type:count (a100:2)');
      out.gpus = gpus;
    }
    const time = text('time');
    if (time !== undefined) {
      if (!TIME.test(time)) throw bad('time', 'a time limit (minutes, MM:SS, HH:MM:SS or D-HH:MM:SS; quote it in YAML)');
      out.time = time;
    }
    const partition = text('partition');
    if (partition !== undefined) {
      if (!/^[A-Za-z0-9_.,-]+$/.test(partition)) throw bad('partition', 'a partition name');
      out.partition = partition;
    }
  }
  if (sbatch !== undefined && sbatch !== null) {
    if (!Array.isArray(sbatch) || !sbatch.every((x) => typeof x === 'string' && x.startsWith('-'))) {
      throw stageError(stage, `"sbatch" must be a list of sbatch options, not ${JSON.stringify(sbatch)}`, 'e.g. `sbatch: [--constraint=v100, --qos=long]`');
    }
    out.sbatch = sbatch as string[];
  }
  return out;
}

export interface ResolveStageOptions {
  /** The pipeline file, repo-relative: `source`, the address, and the folder paths are relative to. */
  file: string;
  readData: ReadData;
}


/** Interpolates one stage instance and normalises it into the Stage model. */
export function resolveStage(instance: StageInstance, options: ResolveStageOptions): Stage {
  const { name, def } = instance;
  checkKeys(def, STAGE_KEYS.filter((k) => k !== 'foreach' && k !== 'do' && k !== 'matrix'), `stage "${name}"`, name);
  const rawWdir = interpolateValue(def.wdir ?? '.', instance.ctx, { stage: name, field: 'wdir' });
  if (typeof rawWdir !== 'string') throw stageError(name, `"wdir" must be a folder path, not ${JSON.stringify(rawWdir)}`);
  // wdir is relative to the pipeline file's folder (as in DVC), and may lead up to the repository root.
  const dir = pipelineDir(options.file);
  const wdir = rawWdir === '.' || rawWdir === '' ? dir
    : path.posix.normalize(path.posix.join(dir, rawWdir)) === '.' ? '.' : normalizeStagePath(dir, rawWdir, name, 'wdir');
  const ctx: VarContext = applyVars(instance.ctx, def.vars, { stage: name, base: wdir }, options.readData);
  const at = (field: string) => interpolateValue(def[field], ctx, { stage: name, field });
  const outs: OutSpec[] = [
    ...asList(at('outs'), name, 'outs').map((e) => parseOut(e, 'out', 'outs', wdir, name)),
    ...asList(at('metrics'), name, 'metrics').map((e) => parseOut(e, 'metric', 'metrics', wdir, name)),
    ...asList(at('plots'), name, 'plots').map((e) => parseOut(e, 'plot', 'plots', wdir, name)),
  ];
  const desc = at('desc');
  if (desc !== undefined && desc !== null && typeof desc !== 'string') throw stageError(name, '"desc" must be text');
  const stage: Stage = {
    name: stageAddress(options.file, name),
    localName: name,
    cmd: parseCmd(at('cmd'), name),
    wdir,
    deps: [...new Set(asList(at('deps'), name, 'deps').map((d) => normalizeStagePath(wdir, d as string, name, 'deps')))],
    params: parseParams(at('params'), wdir, name, options.readData),
    outs,
    frozen: parseBool(at('frozen'), name, 'frozen'),
    alwaysChanged: parseBool(at('always_changed'), name, 'always_changed'),
    source: { file: options.file, key: instance.group },
  };
  if (typeof desc === 'string') stage.desc = desc;
  const resources = parseResources(at('resources'), at('sbatch'), name);
  if (resources) stage.resources = resources;
  if (instance.group !== name) stage.group = instance.group;
  return stage;
}
