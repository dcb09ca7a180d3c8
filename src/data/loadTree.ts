import type { Repo } from '../core/repo.js';
import { ObjectStore } from './objectStore.js';
import { parseTree, type Tree } from './tree.js';

/** Reads a tree object from the cache and parses it; NOT_FOUND (with a `cairn pull` hint) when it is not there. */
export async function loadTree(repo: Repo, oid: string): Promise<Tree> {
  const bytes = await new ObjectStore(repo.cacheDir).read(oid);
  return parseTree(bytes, oid);
}
