import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import { ObjectStore } from '../data/objectStore.js';
import { parseTree } from '../data/tree.js';
import { MIN_CHUNKED_SIZE } from '../data/chunks/chunkedManifest.js';
import { remoteChunkRef } from './chunkedTransfer.js';
import { forEachLimit } from './forEachLimit.js';
import { openRemote } from './openRemote.js';
import { itemsFromPointers, selectPointers, type TransferScope } from './selectItems.js';

/** Where one tracked path's objects are: how many only here (not pushed), only there (not local), or nowhere. */
export interface PathRemoteStatus {
  path: string;
  objects: number;
  notPushed: number;
  notLocal: number;
  missing: number;
  /** A directory whose tree is neither local nor on the remote: its files cannot be counted. */
  unknownFiles?: boolean;
  state: 'in sync' | 'not pushed' | 'not local' | 'missing' | 'mixed';
}

export interface RemoteStatusReport {
  remote: string;
  url: string;
  paths: PathRemoteStatus[];
}

function stateOf(s: Omit<PathRemoteStatus, 'state'>): PathRemoteStatus['state'] {
  const kinds = [s.notPushed > 0, s.notLocal > 0, s.missing > 0 || Boolean(s.unknownFiles)].filter(Boolean).length;
  if (kinds === 0) return 'in sync';
  if (kinds > 1) return 'mixed';
  return s.notPushed ? 'not pushed' : s.notLocal ? 'not local' : 'missing';
}

/** Compares the cache with a remote for every tracked path in scope, asking the remote in one batch. */
export async function remoteStatus(repo: Repo, request: TransferScope & { remote?: string }, ctx: RunContext): Promise<RemoteStatusReport> {
  const pointers = await selectPointers(repo, ctx.cwd, request);
  const items = itemsFromPointers(pointers);
  const store = new ObjectStore(repo.cacheDir);
  const remote = await openRemote(repo, request.remote, ctx);
  try {
    const onRemoteTop = await remote.exists([...new Set(items.map((i) => i.oid))], { signal: ctx.signal });
    const perItem = new Map<string, { oids: string[]; unknownFiles: boolean; whole: boolean }>();
    const sizeOf = new Map<string, number>();
    for (const item of items) {
      const oids = [item.oid];
      let unknownFiles = false;
      if (item.kind === 'file') sizeOf.set(item.oid, item.size ?? -1);
      if (item.kind === 'dir') {
        try {
          const entries = parseTree(await store.read(item.oid), item.label).entries;
          for (const e of entries) sizeOf.set(e.oid, e.size);
          oids.push(...entries.map((e) => e.oid));
        } catch {
          unknownFiles = !onRemoteTop.has(item.oid);
        }
      }
      // A tree on the remote means all its files are there too (trees are pushed last).
      perItem.set(`${item.oid} ${item.label}`, { oids, unknownFiles, whole: item.kind === 'dir' && onRemoteTop.has(item.oid) });
    }
    const all = [...new Set([...perItem.values()].flatMap((v) => v.oids))];
    const local = await store.hasMany(all);
    const unsure = [...new Set([...perItem.values()].filter((v) => !v.whole).flatMap((v) => v.oids))].filter((o) => !onRemoteTop.has(o));
    const onRemote = new Set([...onRemoteTop, ...(unsure.length ? await remote.exists(unsure, { signal: ctx.signal }) : [])]);
    // Large files the remote lacks whole may be there chunked (a ref under meta/chunked/ written after their chunks).
    const maybeChunked = unsure.filter((o) => !onRemote.has(o) && (sizeOf.get(o) ?? 0) > MIN_CHUNKED_SIZE);
    await forEachLimit(maybeChunked, 16, async (o) => {
      if (await remoteChunkRef(remote, o, ctx.signal)) onRemote.add(o);
    });
    const paths = items.map((item) => {
      const v = perItem.get(`${item.oid} ${item.label}`)!;
      const there = (oid: string) => v.whole || onRemote.has(oid);
      const s = {
        path: item.label,
        objects: v.oids.length,
        notPushed: v.oids.filter((o) => local.has(o) && !there(o)).length,
        notLocal: v.oids.filter((o) => !local.has(o) && there(o)).length,
        missing: v.oids.filter((o) => !local.has(o) && !there(o)).length,
        ...(v.unknownFiles ? { unknownFiles: true } : {}),
      };
      return { ...s, state: stateOf(s) };
    });
    return { remote: remote.name, url: remote.displayUrl, paths };
  } finally {
    await remote.close();
  }
}
