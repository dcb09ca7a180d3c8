import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { hashBuffer } from '../core/hash.js';
import { ObjectStore } from '../data/objectStore.js';
import { parseTree } from '../data/tree.js';
import { parseLock, sortKeysDeep, type LockDep, type LockOut, type LockParams } from './lockFile.js';
import type { Stage } from './types.js';

export const RUN_CACHE_DIR = 'runs';
export const RUN_CACHE_SCHEMA = '1';

/** One earlier run: the exact inputs it had and the outputs it produced (their objects live in the cache). */
export interface RunCacheEntry {
  schema: typeof RUN_CACHE_SCHEMA;
  key: string;
  stage: string;
  cmd: string[];
  deps: LockDep[];
  params: LockParams;
  outs: LockOut[];
}

export interface RunInputs {
  cmd: string[];
  deps: { path: string; oid: string }[];
  params: LockParams;
  /** Declared output paths: the same inputs with other outputs is another run, and a restore must know where to put them. */
  outs: string[];
}

/** The run-cache key: SHA-256 of the canonical JSON of command, dep paths and oids, param values and output paths. Pure. */
export function runCacheKey(inputs: RunInputs): string {
  const canonical = {
    cmd: inputs.cmd,
    deps: [...inputs.deps].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((d) => [d.path, d.oid]),
    params: sortKeysDeep(inputs.params),
    outs: [...inputs.outs].sort(),
  };
  return hashBuffer(JSON.stringify(canonical));
}

/** `<cacheDir>/runs/<2 hex>/<key>.json`. */
export function runCachePath(cacheDir: string, key: string): string {
  return path.join(cacheDir, RUN_CACHE_DIR, key.slice(0, 2), `${key}.json`);
}

/**
 * Whether a stage's runs may be cached: a persistent output cannot be brought back exactly (the run started from
 * its old content), and an always_changed stage is by definition not a function of its inputs. Uncached outputs
 * (`cache: false`) do not disqualify a stage: their bytes are copied into the cache for the run cache, as DVC does.
 */
export function runCacheEligible(stage: Stage): boolean {
  return !stage.alwaysChanged && stage.outs.length > 0 && stage.outs.every((o) => !o.persist);
}

/** The entry for `key`, or null when there is none or it cannot be read as one (a bad entry is treated as a miss). */
export async function readRunCacheEntry(cacheDir: string, key: string): Promise<RunCacheEntry | null> {
  let text: string;
  try {
    text = await fs.readFile(runCachePath(cacheDir, key), 'utf8');
  } catch {
    return null;
  }
  try {
    const raw = JSON.parse(text) as RunCacheEntry;
    if (raw.schema !== RUN_CACHE_SCHEMA || raw.key !== key) return null;
    // Reuse the lock parser's checks for the infos: an entry is a lock entry with a key.
    const checked = parseLock(JSON.stringify({ schema: '1', stages: { s: { cmd: raw.cmd, deps: raw.deps, params: raw.params, outs: raw.outs } } }));
    const entry = checked.stages.s;
    return { schema: RUN_CACHE_SCHEMA, key, stage: String(raw.stage ?? ''), ...entry };
  } catch {
    return null;
  }
}

/** Records a run; entries are content-named, so writing one twice is harmless. */
export async function writeRunCacheEntry(cacheDir: string, entry: RunCacheEntry): Promise<void> {
  const file = runCachePath(cacheDir, entry.key);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(sortKeysDeep(entry), null, 1) + '\n', { fsync: false });
}

/** Whether every object the outputs need (files, trees and the files in them) is in the cache. */
export async function outsInCache(cacheDir: string, outs: LockOut[]): Promise<boolean> {
  const store = new ObjectStore(cacheDir);
  for (const out of outs) {
    if (out.files === undefined) {
      if (!(await store.has(out.oid, out.size))) return false;
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await store.read(out.oid);
    } catch {
      return false;
    }
    let entries;
    try {
      entries = parseTree(bytes, out.oid).entries;
    } catch {
      return false;
    }
    const present = await store.hasMany(entries.map((e) => e.oid));
    if (!entries.every((e) => present.has(e.oid))) return false;
  }
  return true;
}
