import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { lookupKey } from './interpolate.js';
import { outputTextAt } from './outputTextAt.js';
import { lineColOf, parserReason, syntaxError } from './syntaxError.js';
import type { ParamSpec } from './types.js';

/** Params and metrics files: YAML, JSON or TOML, read from the workspace or from a Git revision. */

export const DEFAULT_PARAMS_FILE = 'params.yaml';

export type StructuredFormat = 'yaml' | 'json' | 'toml';

/** The format of a params/metrics/vars file from its extension (YAML for anything unknown, as DVC does). */
export function formatOf(file: string): StructuredFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.toml') return 'toml';
  return 'yaml';
}

/** Where a parser error points, when it says: YAML's linePos, TOML's line/column, JSON's "at position N". */
function errorPosition(err: unknown, text: string): { line?: number; col?: number } {
  if (err instanceof YAMLParseError && err.linePos) return { line: err.linePos[0].line, col: err.linePos[0].col };
  const e = err as { line?: unknown; column?: unknown; message?: string };
  if (typeof e.line === 'number') return { line: e.line, col: typeof e.column === 'number' ? e.column : 1 };
  const pos = /at position (\d+)/.exec(e.message ?? '');
  return pos ? lineColOf(text, Number(pos[1])) : {};
}

/**
 * Parses YAML/JSON/TOML text; `file` names the file in errors, which show the offending line. Pure. An empty YAML
 * file is `{}`. YAML anchors and merge keys (`<<: *defaults`) are resolved, as in DVC.
 */
export function parseStructured(text: string, file: string): unknown {
  const format = formatOf(file);
  try {
    if (format === 'json') return JSON.parse(text);
    if (format === 'toml') return parseToml(text);
    const value = parseYaml(text, { merge: true });
    return value === undefined || value === null ? {} : value;
  } catch (err) {
    const reason = format === 'toml' ? (err as Error).message.split('\n')[0].replace(/^Invalid TOML document: /, '') : parserReason((err as Error).message);
    throw syntaxError({ file, format: format.toUpperCase(), text, reason, ...errorPosition(err, text) });
  }
}

/**
 * A file's text in the workspace (rev undefined) or at a Git revision (from Git, or from the cache when it is a cached
 * pipeline output there); null when it does not exist there.
 */
export async function readTextAt(repo: Repo, file: string, rev?: string): Promise<string | null> {
  if (rev !== undefined) {
    if (!repo.git) throw new CairnError('USAGE', `cannot read ${file} at revision "${rev}": this repository does not use Git`);
    return outputTextAt(repo, file, rev);
  }
  try {
    return await fs.readFile(path.join(repo.root, file), 'utf8');
  } catch (err) {
    // A folder where a file is expected reads as absent, like a missing file (callers name the path).
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw fromSystemError(err, `could not read ${file}`);
  }
}

export interface ReadParamsOptions {
  /** Shares parsed files between calls (e.g. across the 200 stages of one repro), keyed by rev and file. */
  cache?: Map<string, Promise<unknown>>;
  /** 'skip' leaves missing keys out of the result instead of failing (used by `params diff` on old revisions). */
  missing?: 'error' | 'skip';
}

/** Parses a params file once per cache; a missing file is null. */
export function readParamsFile(repo: Repo, file: string, rev?: string, cache?: Map<string, Promise<unknown>>): Promise<unknown> {
  const key = `${rev ?? ''}\0${file}`;
  const hit = cache?.get(key);
  if (hit) return hit;
  const loading = readTextAt(repo, file, rev).then((text) => (text === null ? null : parseStructured(text, file)));
  cache?.set(key, loading);
  return loading;
}

/** Picks the tracked values out of a parsed params file: each dotted key, or every top-level key for a whole file. Pure. */
export function selectParams(data: unknown, spec: ParamSpec, missing: 'error' | 'skip' = 'error'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (spec.keys === null) {
    if (data && typeof data === 'object' && !Array.isArray(data)) Object.assign(out, data);
    return out;
  }
  const absent: string[] = [];
  for (const key of spec.keys) {
    const hit = lookupKey(data, key);
    if (hit.found) out[key] = hit.value;
    else absent.push(key);
  }
  if (absent.length && missing === 'error') {
    throw new CairnError('INVALID', `params ${absent.map((k) => `"${k}"`).join(', ')} missing from ${spec.file}`, {
      hint: `add ${absent.length > 1 ? 'them' : 'it'} to ${spec.file}, or remove ${absent.length > 1 ? 'them' : 'it'} from the stage's params`,
      data: { file: spec.file, keys: absent },
    });
  }
  return out;
}

/** The values of the params a spec tracks, in the workspace or at a Git revision. */
export async function readParams(
  repo: Repo,
  spec: ParamSpec,
  rev?: string,
  options: ReadParamsOptions = {},
): Promise<Record<string, unknown>> {
  const data = await readParamsFile(repo, spec.file, rev, options.cache);
  if (data === null) {
    if (options.missing === 'skip') return {};
    throw new CairnError('NOT_FOUND', `params file ${spec.file} does not exist${rev ? ` at ${rev}` : ''}`, {
      hint: `create ${spec.file}, or fix the stage's params`,
      data: { file: spec.file },
    });
  }
  return selectParams(data, spec, options.missing);
}

/** Flattens nested mappings to dotted keys (`{a: {b: 1}}` → `{"a.b": 1}`); lists stay values. Pure. */
export function flattenKeys(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = {};
    for (const [k, v] of entries) flattenKeys(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}
