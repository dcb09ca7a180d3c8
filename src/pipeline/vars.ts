import path from 'node:path';
import { CairnError } from '../core/errors.js';
import { lookupKey, type VarContext } from './interpolate.js';
import { DEFAULT_PARAMS_FILE } from './params.js';

/** Builds the `${...}` context from params.yaml and `vars` entries. Pure: files come through `readData`. */

/** Parsed content of a repo-relative file, or undefined when it does not exist. */
export type ReadData = (file: string) => unknown;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges `src` into `dst` recursively; later sources win on a leaf, like an inner scope. */
export function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(src)) {
    const cur = dst[k];
    if (isPlainObject(cur) && isPlainObject(v)) dst[k] = mergeInto({ ...cur }, v);
    else dst[k] = v;
  }
  return dst;
}

function setDotted(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Splits a vars file entry `config.json:train,model.lr` into its file and keys. */
export function parseVarsFileEntry(entry: string): { file: string; keys: string[] | null } {
  const colon = entry.lastIndexOf(':');
  if (colon <= 0) return { file: entry, keys: null };
  const keys = entry.slice(colon + 1).split(',').map((k) => k.trim()).filter(Boolean);
  return { file: entry.slice(0, colon), keys: keys.length ? keys : null };
}

/** Every file a vars list may read, relative to `base` (for pre-reading files at a Git revision). */
export function varsFiles(vars: unknown, base: string): string[] {
  if (!Array.isArray(vars)) return [];
  return vars.filter((v): v is string => typeof v === 'string').map((v) => path.posix.join(base, parseVarsFileEntry(v).file));
}

export interface VarsScope {
  /** `null` for top-level vars, else the stage name (for errors). */
  stage: string | null;
  /** Folder that relative file names are resolved against (repo-relative, `.` for the root). */
  base: string;
}

function varsError(scope: VarsScope, message: string, hint: string): CairnError {
  const where = scope.stage ? `stage "${scope.stage}" vars` : 'vars';
  return new CairnError('INVALID', `${where}: ${message}`, { hint, data: { stage: scope.stage } });
}

/** Applies a `vars` list on top of `base` and returns the new context (base is not modified). */
export function applyVars(baseCtx: VarContext, vars: unknown, scope: VarsScope, readData: ReadData): VarContext {
  if (vars === undefined || vars === null) return baseCtx;
  if (!Array.isArray(vars)) {
    throw varsError(scope, `must be a list of file names and mappings, not ${typeof vars}`, 'write `vars:` followed by `- params.yaml` or `- {name: value}` items');
  }
  const ctx = structuredClone(baseCtx) as Record<string, unknown>;
  for (const entry of vars) {
    if (isPlainObject(entry)) {
      mergeInto(ctx, structuredClone(entry));
      continue;
    }
    if (typeof entry !== 'string') {
      throw varsError(scope, `entry ${JSON.stringify(entry)} is neither a file name nor a mapping`, 'use `- file.yaml`, `- file.yaml:key1,key2` or `- {name: value}`');
    }
    const { file, keys } = parseVarsFileEntry(entry);
    const rel = path.posix.join(scope.base, file);
    const data = readData(rel);
    if (data === undefined) {
      throw varsError(scope, `file ${rel} does not exist`, `create ${rel} or remove it from vars`);
    }
    if (!isPlainObject(data)) throw varsError(scope, `file ${rel} must contain a mapping at the top level`, `make ${rel} a mapping of names to values`);
    if (keys === null) {
      mergeInto(ctx, structuredClone(data));
      continue;
    }
    for (const key of keys) {
      const hit = lookupKey(data, key);
      if (!hit.found) throw varsError(scope, `key "${key}" is not in ${rel}`, `add "${key}" to ${rel}, or fix the vars entry "${entry}"`);
      setDotted(ctx, key, structuredClone(hit.value));
    }
  }
  return ctx;
}

/**
 * The global context of a pipeline file in folder `dir`: the params.yaml beside it (loaded by default, like DVC),
 * then its top-level `vars`, whose file names are relative to that folder.
 */
export function globalContext(vars: unknown, readData: ReadData, dir = '.'): VarContext {
  const params = readData(path.posix.join(dir, DEFAULT_PARAMS_FILE));
  const base: VarContext = isPlainObject(params) ? structuredClone(params) : {};
  return applyVars(base, vars, { stage: null, base: dir }, readData);
}
