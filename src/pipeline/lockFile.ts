import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import { hashBuffer, isOid } from '../core/hash.js';

export const LOCK_FILE = 'cairn.lock';
export const LOCK_SCHEMA = '1';

/** A dependency as last run: its path (relative to the repo root), oid and size; `files` for a directory. */
export interface LockDep {
  path: string;
  oid: string;
  size: number;
  files?: number;
}

/** An output as last produced; `cache: false` only for outputs that are hashed but not stored. */
export interface LockOut extends LockDep {
  cache?: false;
  /** Recorded only when true, for single executable files, so a restore brings the bit back. */
  exec?: true;
  /** `push: false` in cairn.yaml, recorded so that push/pull (which read cairn.lock, never cairn.yaml) leave it local. */
  push?: false;
}

/** Param values by params file, then by dotted key. */
export type LockParams = Record<string, Record<string, unknown>>;

/** What one stage last ran with and produced. */
export interface LockEntry {
  cmd: string[];
  deps: LockDep[];
  params: LockParams;
  outs: LockOut[];
}

export interface LockFile {
  schema: typeof LOCK_SCHEMA;
  stages: Record<string, LockEntry>;
}

export function emptyLock(): LockFile {
  return { schema: LOCK_SCHEMA, stages: {} };
}

const byPath = (a: { path: string }, b: { path: string }) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Deep copy with every mapping's keys in byte order, so equal values always serialize to equal text. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(byKey)) out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function entryToYaml(entry: LockEntry): Record<string, unknown> {
  const info = (d: LockOut) => ({
    path: d.path, oid: d.oid, size: d.size,
    ...(d.files !== undefined ? { files: d.files } : {}),
    ...(d.exec ? { exec: true } : {}),
    ...(d.cache === false ? { cache: false } : {}),
    ...(d.push === false ? { push: false } : {}),
  });
  return {
    cmd: entry.cmd.length === 1 ? entry.cmd[0] : entry.cmd,
    ...(entry.deps.length ? { deps: [...entry.deps].sort(byPath).map(info) } : {}),
    ...(Object.keys(entry.params).length ? { params: sortKeysDeep(entry.params) } : {}),
    ...(entry.outs.length ? { outs: [...entry.outs].sort(byPath).map(info) } : {}),
  };
}

// cairn.lock is rewritten after every stage of a run; each stage's block is serialized once per entry object (entries
// are replaced, never mutated), so a 200-stage run does not stringify the whole lock 200 times.
const blockCache = new WeakMap<LockEntry, { name: string; text: string }>();

function stageBlock(name: string, entry: LockEntry): string {
  const hit = blockCache.get(entry);
  if (hit && hit.name === name) return hit.text;
  const text = stringifyYaml({ stages: { [name]: entryToYaml(entry) } }, { lineWidth: 0, sortMapEntries: false }).slice('stages:\n'.length);
  blockCache.set(entry, { name, text });
  return text;
}

/** The text of cairn.lock: stages sorted by name, deps and outs by path, params by file and key. Pure and stable. */
export function serializeLock(lock: LockFile): string {
  const names = Object.keys(lock.stages).sort(byKey);
  // The schema is written by hand so it stays the quoted string '1' (a bare 1 would read back as a number).
  const head = `schema: '${LOCK_SCHEMA}'\n`;
  if (names.length === 0) return `${head}stages: {}\n`;
  return `${head}stages:\n${names.map((n) => stageBlock(n, lock.stages[n])).join('')}`;
}

function bad(file: string, where: string, problem: string): never {
  throw new CairnError('INVALID', `malformed lock file ${file}: ${where} ${problem}`, {
    hint: `restore it with \`git checkout -- ${file}\`, or delete it and run \`cairn repro\` to write it again`,
    data: { file, where },
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseInfos(raw: unknown, file: string, where: string, outs: boolean): LockOut[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) bad(file, where, 'must be a list');
  return raw.map((item, i) => {
    const at = `${where}[${i}]`;
    if (!isRecord(item)) bad(file, at, 'must be a mapping with path, oid and size');
    const allowed = outs ? ['path', 'oid', 'size', 'files', 'exec', 'cache', 'push'] : ['path', 'oid', 'size', 'files'];
    for (const key of Object.keys(item)) if (!allowed.includes(key)) bad(file, `${at}.${key}`, 'is not a known field');
    if (typeof item.path !== 'string' || !item.path) bad(file, `${at}.path`, 'must be a non-empty string');
    if (!isOid(item.oid)) bad(file, `${at}.oid`, 'must be 64 lowercase hex digits (a SHA-256)');
    if (!Number.isSafeInteger(item.size) || (item.size as number) < 0) bad(file, `${at}.size`, 'must be a whole number of bytes');
    if (item.files !== undefined && (!Number.isSafeInteger(item.files) || (item.files as number) < 0)) {
      bad(file, `${at}.files`, 'must be a whole number of files');
    }
    if (item.cache !== undefined && item.cache !== false) bad(file, `${at}.cache`, 'may only be false');
    if (item.exec !== undefined && item.exec !== true) bad(file, `${at}.exec`, 'may only be true');
    if (item.push !== undefined && item.push !== false) bad(file, `${at}.push`, 'may only be false');
    return {
      path: item.path, oid: item.oid as string, size: item.size as number,
      ...(item.files !== undefined ? { files: item.files as number } : {}),
      ...(item.exec === true ? { exec: true as const } : {}),
      ...(item.cache === false ? { cache: false as const } : {}),
      ...(item.push === false ? { push: false as const } : {}),
    };
  });
}

/** Parses and checks cairn.lock text; `file` only names it in errors. Pure. */
export function parseLock(text: string, file = LOCK_FILE): LockFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    bad(file, '(file)', `is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (raw === null || raw === undefined) return emptyLock();
  if (!isRecord(raw)) bad(file, '(top level)', 'must be a mapping with schema and stages');
  for (const key of Object.keys(raw)) if (key !== 'schema' && key !== 'stages') bad(file, key, 'is not a known field');
  if (String(raw.schema) !== LOCK_SCHEMA) {
    const newer = Number(raw.schema) > Number(LOCK_SCHEMA);
    throw new CairnError('INVALID', `lock file ${file} has schema ${String(raw.schema)}, ${newer ? 'newer than this cairn understands' : `expected '${LOCK_SCHEMA}'`}`, {
      hint: newer ? 'upgrade cairn' : `restore it with \`git checkout -- ${file}\``,
    });
  }
  const stagesRaw = raw.stages ?? {};
  if (!isRecord(stagesRaw)) bad(file, 'stages', 'must be a mapping of stage names');
  const stages: Record<string, LockEntry> = {};
  for (const [name, value] of Object.entries(stagesRaw)) {
    const at = `stages.${name}`;
    if (!isRecord(value)) bad(file, at, 'must be a mapping');
    for (const key of Object.keys(value)) if (!['cmd', 'deps', 'params', 'outs'].includes(key)) bad(file, `${at}.${key}`, 'is not a known field');
    const cmd = typeof value.cmd === 'string' ? [value.cmd] : value.cmd;
    if (!Array.isArray(cmd) || !cmd.every((c) => typeof c === 'string')) bad(file, `${at}.cmd`, 'must be a string or a list of strings');
    const params = value.params ?? {};
    if (!isRecord(params) || !Object.values(params).every(isRecord)) bad(file, `${at}.params`, 'must map params files to key/value mappings');
    stages[name] = {
      cmd: cmd as string[],
      deps: parseInfos(value.deps, file, `${at}.deps`, false).map(({ path: p, oid, size, files }) => ({ path: p, oid, size, ...(files !== undefined ? { files } : {}) })),
      params: params as LockParams,
      outs: parseInfos(value.outs, file, `${at}.outs`, true),
    };
  }
  return { schema: LOCK_SCHEMA, stages };
}

/** Where the parsed copy of a lock file is kept: `cairn.lock.json` for the root one, one file per other lock. */
function parsedCacheName(file: string): string {
  return file === LOCK_FILE ? 'cairn.lock.json' : `cairn.lock-${hashBuffer(file).slice(0, 16)}.json`;
}

/**
 * Parsing a 200-stage lock as YAML costs more than the rest of a no-op `cairn repro`, so the parsed form is kept in
 * `<tmpDir>/cairn.lock.json`, keyed by the SHA-256 of the lock's text: any edit (by hand, by a merge) is a miss.
 */
async function readParsedCache(tmpDir: string, digest: string, file: string): Promise<LockFile | null> {
  try {
    const cached = JSON.parse(await fs.readFile(path.join(tmpDir, parsedCacheName(file)), 'utf8')) as { digest?: string; lock?: LockFile };
    return cached.digest === digest && cached.lock?.schema === LOCK_SCHEMA ? cached.lock : null;
  } catch {
    return null;
  }
}

async function writeParsedCache(tmpDir: string, digest: string, lock: LockFile, file: string): Promise<void> {
  try {
    await fs.mkdir(tmpDir, { recursive: true });
    await writeFileAtomic(path.join(tmpDir, parsedCacheName(file)), JSON.stringify({ digest, lock }), { fsync: false });
  } catch {
    // Only a speed-up: a read-only tmp folder costs time, not correctness.
  }
}

export interface LockLocation {
  /** A parsed copy kept here speeds up the next read. */
  tmpDir?: string;
  /** The lock file, relative to `root` (default `cairn.lock`; `sub/cairn.lock` beside `sub/cairn.yaml`). */
  file?: string;
}

/** Reads a lock file (default `<root>/cairn.lock`); a missing file is an empty lock. */
export async function readLock(root: string, options: LockLocation = {}): Promise<LockFile> {
  const file = options.file ?? LOCK_FILE;
  let text: string;
  try {
    text = await fs.readFile(path.join(root, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyLock();
    throw fromSystemError(err, `could not read ${file}`);
  }
  if (!options.tmpDir) return parseLock(text, file);
  const digest = hashBuffer(text);
  const cached = await readParsedCache(options.tmpDir, digest, file);
  if (cached) return cached;
  const lock = parseLock(text, file);
  await writeParsedCache(options.tmpDir, digest, lock, file);
  return lock;
}

/** Writes a lock file atomically (default `<root>/cairn.lock`); skips an unchanged text, so mtimes stay put. */
export async function writeLock(root: string, lock: LockFile, file = LOCK_FILE): Promise<boolean> {
  const abs = path.join(root, file);
  const text = serializeLock(lock);
  const current = await fs.readFile(abs, 'utf8').catch(() => null);
  if (current === text) return false;
  await writeFileAtomic(abs, text);
  return true;
}

/** The lock in the exact shape parsing its serialized text gives (sorted lists and keys). Pure. */
export function normalizeLock(lock: LockFile): LockFile {
  const stages: Record<string, LockEntry> = {};
  for (const name of Object.keys(lock.stages).sort(byKey)) {
    const e = lock.stages[name];
    stages[name] = {
      cmd: [...e.cmd],
      deps: [...e.deps].sort(byPath).map((d) => ({ ...d })),
      params: sortKeysDeep(e.params) as LockParams,
      outs: [...e.outs].sort(byPath).map((d) => ({ ...d })),
    };
  }
  return { schema: LOCK_SCHEMA, stages };
}

/** Stores the parsed form of the lock just written, so the next `readLock` with `tmpDir` skips the YAML parse. */
export async function rememberParsedLock(tmpDir: string, lock: LockFile, file = LOCK_FILE): Promise<void> {
  await writeParsedCache(tmpDir, hashBuffer(serializeLock(lock)), normalizeLock(lock), file);
}
