import { promises as fs } from 'node:fs';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { collectReferences, type GcReferences, type GcScope } from './gcReferences.js';
import { dropChunkRef } from './chunks/checkChunked.js';
import { chunkedReferences } from './chunks/chunkedReferences.js';
import { ObjectStore } from './objectStore.js';
import { locateObject } from './packs/locateObject.js';
import { repackPacks, type RepackResult } from './packs/repackPacks.js';

export interface CachedObject {
  oid: string;
  size: number;
}

/** What a gc would do: the unreferenced objects to delete, and what stays. */
export interface GcPlan {
  remove: CachedObject[];
  removeBytes: number;
  keep: number;
  keepBytes: number;
  /** File oids whose chunked-file refs go first (their manifests and chunks are in `remove` unless shared). */
  dropChunkRefs?: string[];
}

/** Splits the cache listing into objects to keep (referenced) and to delete. Pure; the listing order does not matter. */
export function planGc(referenced: Set<string>, cached: CachedObject[]): GcPlan {
  const remove: CachedObject[] = [];
  let removeBytes = 0;
  let keep = 0;
  let keepBytes = 0;
  for (const obj of cached) {
    if (referenced.has(obj.oid)) {
      keep++;
      keepBytes += obj.size;
    } else {
      remove.push(obj);
      removeBytes += obj.size;
    }
  }
  remove.sort((a, b) => (a.oid < b.oid ? -1 : 1));
  return { remove, removeBytes, keep, keepBytes };
}

export function hasScope(scope: GcScope): boolean {
  return Boolean(scope.workspace || scope.allBranches || scope.allTags || scope.allCommits);
}

/** Every object in the cache with its size. */
export async function listCache(store: ObjectStore, options: { looseOnly?: boolean } = {}): Promise<CachedObject[]> {
  const out: CachedObject[] = [];
  for await (const oid of options.looseOnly ? store.listLoose() : store.list()) {
    try {
      const size = options.looseOnly ? (await fs.stat(store.path(oid))).size : await store.size(oid);
      if (size !== null) out.push({ oid, size });
    } catch (err) {
      // Deleted between the listing and the stat (another gc sharing the cache): nothing left to plan for it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(err, `could not read object ${oid}`);
    }
  }
  return out;
}

export interface GcPlanResult {
  plan: GcPlan;
  references: Omit<GcReferences, 'oids'> & { referenced: number };
}

/** Works out what `cairn gc` within `scope` would delete; changes nothing. Callers hold the repo lock until they apply. */
export async function planRepoGc(repo: Repo, scope: GcScope, ctx: RunContext): Promise<GcPlanResult> {
  if (!hasScope(scope)) {
    throw new CairnError('USAGE', 'cairn gc needs a scope: which history must keep its data', {
      hint: 'add --workspace (keep what the workspace and HEAD use), --all-branches, --all-tags and/or --all-commits; '
        + 'try --dry-run first',
    });
  }
  const refs = await collectReferences(repo, scope, ctx);
  const store = new ObjectStore(repo.cacheDir);
  const chunked = chunkedReferences(repo.cacheDir, refs.oids);
  const plan = { ...planGc(new Set([...refs.oids, ...chunked.keep]), await listCache(store)), dropChunkRefs: chunked.dropRefs };
  const { oids, ...rest } = refs;
  return { plan, references: { ...rest, referenced: oids.size } };
}

/** Deletes the planned objects (packed ones by repacking, src/data/packs/repackPacks.ts); returns how many went and the bytes freed. */
export async function applyGc(repo: Repo, plan: GcPlan, ctx: RunContext): Promise<{ removed: number; freedBytes: number; packs?: RepackResult }> {
  const store = new ObjectStore(repo.cacheDir);
  let removed = 0;
  let freedBytes = 0;
  // Refs first: a crash in between leaves unreferenced chunks (garbage for the next gc), never a ref naming missing bytes.
  for (const oid of plan.dropChunkRefs ?? []) dropChunkRef(repo.cacheDir, oid);
  for (const obj of plan.remove) {
    if (ctx.signal?.aborted) {
      throw new CairnError('INTERRUPTED', `gc interrupted after removing ${removed} of ${plan.remove.length} objects`, {
        hint: 'every object left is intact; run the gc again to finish',
      });
    }
    try {
      await store.remove(obj.oid);
    } catch (err) {
      throw fromSystemError(err, `could not delete object ${obj.oid} from ${repo.cacheDir}`);
    }
    removed++;
    freedBytes += obj.size;
    ctx.onProgress?.({ phase: 'deleting', done: removed, total: plan.remove.length, bytes: freedBytes, totalBytes: plan.removeBytes });
  }
  const packs = await repackPacks(repo.cacheDir, new Set(plan.remove.map((o) => o.oid)));
  // Garbage left inside mostly-live packs is not freed yet: a later gc repacks when it outweighs the rest.
  if (packs.keptGarbage) freedBytes -= plan.remove.filter((o) => locateObject(repo.cacheDir, o.oid)?.kind === 'packed').reduce((n, o) => n + o.size, 0);
  return { removed: removed - packs.keptGarbage, freedBytes, ...(packs.rewritten || packs.deleted || packs.keptGarbage ? { packs } : {}) };
}
