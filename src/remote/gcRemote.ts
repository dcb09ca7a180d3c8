import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import { hashBuffer } from '../core/hash.js';
import type { Repo } from '../core/repo.js';
import { hasScope } from '../data/gc.js';
import { collectOidFields, collectReferences, type GcScope } from '../data/gcReferences.js';
import { ObjectStore } from '../data/objectStore.js';
import type { RepackResult } from '../data/packs/repackPacks.js';
import { PackedRemote } from './packs/packedRemote.js';
import { repackRemote } from './packs/repackRemote.js';
import { parseTree } from '../data/tree.js';
import { openRemote } from './openRemote.js';
import { chunkRefKey } from '../data/chunks/chunkRefs.js';
import { remoteChunkedReferences } from './remoteChunkedReferences.js';
import type { Remote } from './remote.js';

export interface RemoteGcReport {
  remote: string;
  url: string;
  scope: GcScope;
  dryRun: boolean;
  /** Objects on the remote before. */
  total: number;
  keep: number;
  /** The unreferenced oids (deleted, or that would be with dryRun). */
  remove: string[];
  removed: number;
  /** Layout 2: what the repack of the remote's packs did (garbage inside mostly-live packs stays until it outweighs them). */
  packs?: RepackResult;
}

async function readAll(remote: Remote, oid: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await remote.download(oid)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The files of a tree, read from the cache or else from the remote (verified): gc must know them to keep them. */
async function treeOids(store: ObjectStore, remote: Remote, oid: string, where: string): Promise<string[]> {
  let bytes: Buffer;
  try {
    bytes = await store.read(oid);
  } catch {
    try {
      bytes = await readAll(remote, oid);
    } catch {
      throw new CairnError('CONFLICT', `the tree object ${oid} of ${where} is neither in the cache nor on remote "${remote.name}": its files cannot be told apart from garbage`, {
        hint: 'fetch or re-add that directory, or narrow the scope; nothing was deleted',
      });
    }
    if (hashBuffer(bytes) !== oid) {
      throw new CairnError('INTEGRITY', `the tree object ${oid} of ${where} on remote "${remote.name}" is corrupt; nothing was deleted`, {
        hint: 'push a good copy from a clone that has it, then run gc again',
      });
    }
  }
  return parseTree(bytes, `${oid} (${where})`).entries.map((e) => e.oid);
}

/**
 * Deletes from a remote every object no reference in scope needs: the same references as a local gc (workspace,
 * commits in scope, lock files, local run cache) plus the run-cache entries stored on the remote itself.
 * Nothing is deleted when any directory in scope cannot be read, since its files would look unreferenced.
 */
export async function gcRemote(repo: Repo, request: { remote?: string; scope: GcScope; dryRun?: boolean }, ctx: RunContext): Promise<RemoteGcReport> {
  if (!hasScope(request.scope)) {
    throw new CairnError('USAGE', 'gc --remote needs a scope of what to keep: -w/--workspace, -a/--all-branches, -T/--all-tags or -A/--all-commits', {
      hint: 'e.g. `cairn gc --remote -w --dry-run` to see what would go',
    });
  }
  const remote = await openRemote(repo, request.remote, ctx);
  try {
    if (remote.readOnly && !request.dryRun) {
      throw new CairnError('PERMISSION', `remote "${remote.name}" (${remote.displayUrl}) is read-only`, { hint: 'gc it where it is writable' });
    }
    const store = new ObjectStore(repo.cacheDir);
    const refs = await collectReferences(repo, request.scope, ctx);
    const keep = new Set(refs.oids);
    for (const u of refs.unreadable) for (const oid of await treeOids(store, remote, u.oid, u.path)) keep.add(oid);
    for (const key of await remote.listMeta('runs/', { signal: ctx.signal })) {
      const data = await remote.getMeta(key, { signal: ctx.signal });
      if (!data) continue;
      let named;
      try {
        named = collectOidFields(JSON.parse(data.toString('utf8')));
      } catch {
        ctx.onLog?.('warn', `skipped run-cache entry ${key} on remote "${remote.name}": not valid JSON`);
        continue;
      }
      for (const { oid, dir } of named) {
        keep.add(oid);
        if (dir) for (const o of await treeOids(store, remote, oid, `run cache ${key}`)) keep.add(o);
      }
    }
    // Chunked files on the remote: live ones keep their manifest and chunks; the refs of the rest become tombstones.
    const { keep: chunkedKeep, drop } = await remoteChunkedReferences(store, remote, keep, ctx.signal);
    for (const oid of chunkedKeep) keep.add(oid);
    const remove: string[] = [];
    let total = 0;
    for await (const oid of remote.list({ signal: ctx.signal })) {
      total++;
      if (!keep.has(oid)) remove.push(oid);
    }
    remove.sort();
    // Tombstones before deletions, so a crash in between never leaves a remote ref naming deleted chunks.
    if (!request.dryRun) for (const oid of drop) await remote.putMeta(chunkRefKey(oid), Buffer.alloc(0), { signal: ctx.signal });
    if (!request.dryRun && remove.length) {
      for (let i = 0; i < remove.length; i += 1000) {
        await remote.remove(remove.slice(i, i + 1000), { signal: ctx.signal });
        ctx.onProgress?.({ phase: 'deleting', done: Math.min(i + 1000, remove.length), total: remove.length });
      }
    }
    const packs = !request.dryRun && remote instanceof PackedRemote ? await repackRemote(remote, new Set(remove), ctx.signal) : undefined;
    return {
      remote: remote.name, url: remote.displayUrl, scope: request.scope, dryRun: Boolean(request.dryRun),
      total, keep: total - remove.length, remove, removed: request.dryRun ? 0 : remove.length - (packs?.keptGarbage ?? 0),
      ...(packs ? { packs } : {}),
    };
  } finally {
    await remote.close();
  }
}
