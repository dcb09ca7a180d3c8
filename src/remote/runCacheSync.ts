import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import type { Repo } from '../core/repo.js';
import { collectOidFields } from '../data/gcReferences.js';
import { ObjectStore } from '../data/objectStore.js';
import { isSafeRelPath } from '../data/tree.js';
import { downloadItems } from './downloadObjects.js';
import type { Remote } from './remote.js';
import type { TransferItem, TransferOptions, TransferResult } from './transfer.js';
import { uploadItems } from './uploadObjects.js';
import { cacheStore } from '../data/cacheStore.js';

/** Run-cache entries live in `<cache>/runs/**` locally and under `meta/runs/` on a remote, with the same relative keys. */
const RUNS = 'runs';

export interface RunCacheSyncResult {
  /** Entries sent or received. */
  entries: number;
  /** Entries the other side already had. */
  present: number;
  objects: TransferResult;
  /** Entries skipped because they were not JSON, or because some object they name could not be moved. */
  skipped: { key: string; reason: string }[];
}

async function listLocalRuns(dir: string, rel = ''): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listLocalRuns(dir, child)));
    else if (e.isFile()) out.push(`${RUNS}/${child}`);
  }
  return out;
}

/**
 * The objects restoring a run-cache entry needs: those of its outputs (every "oid" field under `outs`; a sibling
 * "files" marks a directory tree). Its deps' oids only key the entry: a dep Git tracks has no cache object at all.
 */
function itemsOf(key: string, data: Buffer): TransferItem[] {
  const entry = JSON.parse(data.toString('utf8')) as { outs?: unknown };
  return collectOidFields(entry.outs ?? []).map(({ oid, dir }) => ({ label: `run cache ${key}`, oid, kind: dir ? 'dir' : 'file' }));
}

const emptyResult = (): TransferResult => ({ transferred: 0, bytes: 0, present: 0, failed: [], complete: [] });

function entriesWithAllObjects(entries: Map<string, TransferItem[]>, result: TransferResult, skipped: RunCacheSyncResult['skipped']): string[] {
  const failed = new Set(result.failed.map((f) => f.oid));
  const ready: string[] = [];
  for (const [key, items] of entries) {
    if (items.some((i) => failed.has(i.oid))) skipped.push({ key, reason: 'some objects it names could not be moved' });
    else ready.push(key);
  }
  return ready;
}

/** Sends run-cache entries the remote lacks, objects first, so an entry on the remote can always be restored. */
export async function pushRunCache(repo: Repo, remote: Remote, options: TransferOptions): Promise<RunCacheSyncResult> {
  const local = await listLocalRuns(path.join(repo.cacheDir, RUNS));
  const skipped: RunCacheSyncResult['skipped'] = [];
  if (local.length === 0) return { entries: 0, present: 0, objects: emptyResult(), skipped };
  const onRemote = new Set(await remote.listMeta(`${RUNS}/`, { signal: options.ctx.signal }));
  const entries = new Map<string, TransferItem[]>();
  const bytes = new Map<string, Buffer>();
  for (const key of local.filter((k) => !onRemote.has(k))) {
    const data = await fs.readFile(path.join(repo.cacheDir, ...key.split('/')));
    try {
      entries.set(key, itemsOf(key, data));
      bytes.set(key, data);
    } catch (err) {
      skipped.push({ key, reason: `not valid JSON: ${(err as Error).message}` });
    }
  }
  const objects = await uploadItems(new ObjectStore(repo.cacheDir), remote, [...entries.values()].flat(), options);
  const ready = entriesWithAllObjects(entries, objects, skipped);
  for (const key of ready) await remote.putMeta(key, bytes.get(key)!, { signal: options.ctx.signal });
  return { entries: ready.length, present: local.filter((k) => onRemote.has(k)).length, objects, skipped };
}

/** Fetches run-cache entries the cache lacks, and the objects they name; an entry is written only after its objects. */
export async function pullRunCache(repo: Repo, remote: Remote, options: TransferOptions): Promise<RunCacheSyncResult> {
  const skipped: RunCacheSyncResult['skipped'] = [];
  const local = new Set(await listLocalRuns(path.join(repo.cacheDir, RUNS)));
  const remoteKeys = (await remote.listMeta(`${RUNS}/`, { signal: options.ctx.signal })).filter((k) => isSafeRelPath(k));
  const missing = remoteKeys.filter((k) => !local.has(k));
  const entries = new Map<string, TransferItem[]>();
  const bytes = new Map<string, Buffer>();
  for (const key of missing) {
    const data = await remote.getMeta(key, { signal: options.ctx.signal });
    if (!data) continue;
    try {
      entries.set(key, itemsOf(key, data));
      bytes.set(key, data);
    } catch (err) {
      skipped.push({ key, reason: `not valid JSON: ${(err as Error).message}` });
    }
  }
  const objects = entries.size ? await downloadItems(cacheStore(repo), remote, [...entries.values()].flat(), options) : emptyResult();
  const ready = entriesWithAllObjects(entries, objects, skipped);
  for (const key of ready) {
    const file = path.join(repo.cacheDir, ...key.split('/'));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, bytes.get(key)!);
  }
  return { entries: ready.length, present: remoteKeys.length - missing.length, objects, skipped };
}
