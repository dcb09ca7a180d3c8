import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { withRepoLock } from '../core/repoLock.js';
import { expandPointers, type UnreadableTree } from './expandPointers.js';
import { checkChunkedRefs, dropChunkRef, type ChunkedProblem } from './chunks/checkChunked.js';
import { listCache, type CachedObject } from './gc.js';
import { runPool } from './hashPool.js';
import { ObjectStore } from './objectStore.js';
import { readWorkspaceTracked } from './workspacePointers.js';
import { quarantinePack } from './packs/quarantinePack.js';
import { salvagePack } from './packs/salvagePack.js';
import { verifyPacks, type PackProblem } from './packs/verifyPacks.js';

export interface FsckOptions {
  /** Move corrupt objects to the cache's quarantine folder, so a later pull fetches good copies. */
  repair?: boolean;
}

export interface FsckResult {
  /** Objects whose bytes were hashed. */
  checked: number;
  checkedBytes: number;
  /** Objects whose content does not hash to their name. */
  corrupt: CachedObject[];
  /**
   * Objects the workspace pointers and cairn.lock outputs need that are not in the cache, with the path that needs
   * each (and the stage, for a pipeline output).
   */
  missing: { oid: string; path: string; stage?: string }[];
  /** Directories whose tree object is absent or damaged, so the files inside could not be checked. */
  unreadableTrees: UnreadableTree[];
  /** Where each quarantined object went (with --repair). */
  quarantined: { oid: string; to: string }[];
  /** Files stored as chunks that cannot be assembled (with --repair their refs are dropped, so a pull fetches them). */
  chunked: ChunkedProblem[];
  /** Packs (layout 2) checked, and the damaged ones by name (with --repair, moved to the quarantine folder). */
  packs: {
    checked: number; damaged: PackProblem[]; unindexed: string[]; quarantined: Array<{ file: string; to: string }>;
    /** Intact objects of damaged packs copied into a new pack before the damaged one was quarantined (--repair). */
    salvaged: number;
  };
}

/** Re-hashes every object in the cache and checks that everything the workspace pointers and cairn.lock reference is present. */
export async function fsck(repo: Repo, options: FsckOptions, ctx: RunContext): Promise<FsckResult> {
  const store = new ObjectStore(repo.cacheDir);
  const pointers = await readWorkspaceTracked(repo);
  const objects = await listCache(store, { looseOnly: true });
  const packCheck = await verifyPacks(repo.cacheDir);
  const corrupt: CachedObject[] = [];
  let checked = 0;
  let checkedBytes = 0;
  // Objects are hashed on every core by the shared worker pool.
  const results = await runPool('hash', objects.map((o) => ({ abs: store.path(o.oid), size: o.size })), null, ctx, 'verifying');
  for (let i = 0; i < objects.length; i++) {
    const r = results[i];
    if (r.error) {
      // An object deleted while we ran (a gc sharing the cache) is not corruption.
      if (r.error.errno === 'ENOENT') continue;
      throw fromSystemError(Object.assign(new Error(r.error.message), { code: r.error.errno }), `could not read object ${objects[i].oid}`);
    }
    checked++;
    checkedBytes += objects[i].size;
    if (r.oid !== objects[i].oid) corrupt.push(objects[i]);
  }
  if (ctx.signal?.aborted) {
    throw new CairnError('INTERRUPTED', `fsck interrupted after checking ${checked} of ${objects.length} objects`, {
      hint: 'nothing was changed; run it again to check everything',
    });
  }
  checked += packCheck.objects;
  checkedBytes += packCheck.bytes;
  corrupt.push(...packCheck.corrupt.filter((c) => !packCheck.intact.has(c.oid)));
  corrupt.sort((a, b) => (a.oid < b.oid ? -1 : 1));

  const present = new Set([...objects.map((o) => o.oid), ...packCheck.intact]);
  const bad = new Set(corrupt.map((o) => o.oid));
  // A chunked file is present when its manifest and every chunk are: then pointers naming it are satisfied.
  const chunked = checkChunkedRefs(repo.cacheDir, present, bad);
  for (const oid of chunked.ok) present.add(oid);
  const { files, unreadable } = await expandPointers(store, pointers);
  const missing: FsckResult['missing'] = [];
  const seen = new Set<string>();
  const stageOf = new Map(pointers.filter((p) => p.output).map((p) => [p.dataPath, p.output!.stage]));
  const need = (oid: string, path: string, tracked: string) => {
    if (present.has(oid) || seen.has(`${oid} ${path}`)) return;
    seen.add(`${oid} ${path}`);
    const stage = stageOf.get(tracked);
    missing.push({ oid, path, ...(stage ? { stage } : {}) });
  };
  for (const p of pointers) if (p.pointer.kind === 'dir') need(p.pointer.oid, p.dataPath, p.dataPath);
  for (const f of files) if (!f.unexpanded) need(f.oid, f.path, f.tracked);
  missing.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // Trees that are present but fail to parse are corrupt objects and are already listed there.
  const unreadableTrees = unreadable.filter((u) => u.reason === 'missing' || !bad.has(u.oid));

  const quarantined: FsckResult['quarantined'] = [];
  const packsQuarantined: FsckResult['packs']['quarantined'] = [];
  let salvaged = 0;
  if (options.repair && (corrupt.length || chunked.problems.length || packCheck.damaged.length)) {
    await withRepoLock(repo.tmpDir, { onWait: (h) => ctx.onLog?.('info', `waiting for the repository lock held by ${h}`) }, async () => {
      for (const p of packCheck.damaged) {
        // The damaged pack's intact objects move to a new pack first, so only the corrupt ones go missing.
        const { kept, repaired } = await salvagePack(repo.cacheDir, p.pack);
        salvaged += kept;
        if (!repaired) packsQuarantined.push(...(await quarantinePack(repo.cacheDir, p.pack)));
      }
      for (const obj of corrupt) {
        if (packCheck.corrupt.some((c) => c.oid === obj.oid)) continue;
        // Re-check under the lock: another process may have repaired it meanwhile.
        if ((await store.verify(obj.oid)) !== 'corrupt') continue;
        quarantined.push({ oid: obj.oid, to: await store.quarantine(obj.oid) });
      }
      for (const p of chunked.problems) dropChunkRef(repo.cacheDir, p.oid);
    });
  }
  return {
    checked, checkedBytes, corrupt, missing, unreadableTrees, quarantined, chunked: chunked.problems,
    packs: { checked: packCheck.packs, damaged: packCheck.damaged, unindexed: packCheck.unindexed, quarantined: packsQuarantined, salvaged },
  };
}
