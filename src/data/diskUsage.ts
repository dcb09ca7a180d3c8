import type { Repo } from '../core/repo.js';
import { loadManifestSync } from './chunks/assembleChunked.js';
import { listChunkRefsSync, readChunkRefSync } from './chunks/chunkRefs.js';
import { storedObjectsOf } from './chunks/storedObjects.js';
import { listCache } from './gc.js';
import { loadTree } from './loadTree.js';
import { ObjectStore } from './objectStore.js';
import { selectTracked } from './trackedPaths.js';

export interface SizePair {
  /** Bytes of the content as the workspace sees it (every file counted in full). */
  logical: number;
  /** Bytes the cache spends on it: each object once (shared chunks and duplicate files count once). */
  stored: number;
  /** logical / stored (0 when nothing is stored). */
  ratio: number;
}

export interface PathUsage extends SizePair {
  path: string;
  kind: 'file' | 'dir';
  files: number;
  /** Files whose content is not in the cache (not pulled): counted in logical, not in stored. */
  notCached: number;
}

export interface DiskUsage {
  paths: PathUsage[];
  /** The selected paths together: an object two paths share counts once. */
  total: SizePair & { files: number; notCached: number };
  /**
   * The whole cache, whatever references it: `bytes` on disk, and as logical size every version it holds (a chunked
   * file counts its full size, its chunks and manifest nothing more), so `ratio` is what chunking saves.
   */
  cache: SizePair & { objects: number; bytes: number; chunkedFiles: number };
}

const ratio = (logical: number, stored: number) => (stored > 0 ? Math.round((logical / stored) * 100) / 100 : 0);

/** Adds an object to a tally unless it was counted there already. */
function tally(seen: Set<string>, oid: string, size: number): number {
  if (seen.has(oid)) return 0;
  seen.add(oid);
  return size;
}

/** `cairn du`: logical and stored size, and the deduplication ratio, of each selected tracked path and of the cache. */
export async function diskUsage(repo: Repo, options: { cwd: string; targets?: string[] }): Promise<DiskUsage> {
  const selected = await selectTracked(repo, options.cwd, options.targets ?? [], { outputs: true });
  const store = new ObjectStore(repo.cacheDir);
  const allSeen = new Set<string>();
  const total = { logical: 0, stored: 0, files: 0, notCached: 0 };
  const paths: PathUsage[] = [];
  for (const t of selected) {
    const seen = new Set<string>();
    const p = t.pointer;
    let stored = 0;
    let notCached = 0;
    let files: Array<{ oid: string; size: number }> = [{ oid: p.oid, size: p.size }];
    if (p.kind === 'dir') {
      const tree = (await store.has(p.oid)) ? await loadTree(repo, p.oid) : null;
      if (tree) {
        const treeSize = (await store.read(p.oid)).length;
        stored += tally(seen, p.oid, treeSize);
        total.stored += tally(allSeen, p.oid, treeSize);
      }
      files = tree ? tree.entries.map((e) => ({ oid: e.oid, size: e.size })) : [];
      if (!tree) notCached = p.files ?? 0;
    }
    for (const f of files) {
      const objects = storedObjectsOf(repo.cacheDir, f.oid);
      if (!objects) notCached++;
      for (const o of objects ?? []) {
        stored += tally(seen, o.oid, o.size);
        total.stored += tally(allSeen, o.oid, o.size);
      }
    }
    const count = p.kind === 'dir' ? (p.files ?? files.length) : 1;
    paths.push({ path: t.dataPath, kind: p.kind, files: count, logical: p.size, stored, ratio: ratio(p.size, stored), notCached });
    total.logical += p.size;
    total.files += count;
    total.notCached += notCached;
  }
  const cached = await listCache(store);
  const bytes = cached.reduce((n, o) => n + o.size, 0);
  const parts = new Set<string>();
  let logical = 0;
  let chunkedFiles = 0;
  for (const oid of listChunkRefsSync(repo.cacheDir)) {
    const manifestOid = readChunkRefSync(repo.cacheDir, oid);
    let m;
    try {
      m = loadManifestSync(repo.cacheDir, oid);
    } catch {
      continue; // damaged: its objects count as they are
    }
    if (!m || !manifestOid) continue;
    chunkedFiles++;
    logical += m.size;
    parts.add(manifestOid);
    for (const c of m.chunks) parts.add(c.oid);
  }
  for (const o of cached) if (!parts.has(o.oid)) logical += o.size;
  return {
    paths: paths.sort((a, b) => (a.path < b.path ? -1 : 1)),
    total: { ...total, ratio: ratio(total.logical, total.stored) },
    cache: { objects: cached.length, bytes, chunkedFiles, logical, stored: bytes, ratio: ratio(logical, bytes) },
  };
}
