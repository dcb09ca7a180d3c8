import { existsSync } from 'node:fs';
import type { Repo } from '../core/repo.js';
import { objectFile } from './fileOps.js';
import { loadTree } from './loadTree.js';
import type { Pointer } from './pointer.js';

export interface PointerWithPath {
  /** Repo-relative path of the pointer file. */
  file: string;
  pointer: Pointer;
}

/**
 * Every oid the given pointers need: the blob of a file, or the tree of a directory plus all its blobs. A tree that is
 * not in the cache contributes only its own oid (fetch it, then call again to learn its blobs); `onMissingTree` says so.
 */
export async function collectOids(
  repo: Repo,
  pointers: Array<Pointer | PointerWithPath>,
  options: { onMissingTree?: (oid: string) => void } = {},
): Promise<Set<string>> {
  const oids = new Set<string>();
  for (const item of pointers) {
    const p = 'pointer' in item ? item.pointer : item;
    oids.add(p.oid);
    if (p.kind !== 'dir') continue;
    if (!existsSync(objectFile(repo.cacheDir, p.oid))) {
      options.onMissingTree?.(p.oid);
      continue;
    }
    for (const e of (await loadTree(repo, p.oid)).entries) oids.add(e.oid);
  }
  return oids;
}
