import { isCairnError } from '../core/errors.js';
import type { ObjectStore } from './objectStore.js';
import type { TrackedPointer } from './pointersAtRev.js';
import { parseTree, type Tree } from './tree.js';

/** One tracked file, with the tracked path (pointer level) it belongs to. Paths are repo-relative, `/`-separated. */
export interface TrackedFile {
  path: string;
  oid: string;
  size: number;
  exec: boolean;
  /** The data path of the pointer this file comes from (equal to `path` for a tracked single file). */
  tracked: string;
  /** True when this is a whole directory shown at pointer level because its tree object could not be read. */
  unexpanded?: boolean;
}

/** A directory whose tree object is not in the cache (or is damaged), so its files cannot be listed. */
export interface UnreadableTree {
  path: string;
  oid: string;
  reason: 'missing' | 'corrupt';
}

export type TreeCache = Map<string, Tree | UnreadableTree['reason']>;

/** Reads a tree object from the cache, remembering the answer (many commits share the same trees). */
export async function loadTreeCached(store: ObjectStore, oid: string, cache: TreeCache): Promise<Tree | UnreadableTree['reason']> {
  const known = cache.get(oid);
  if (known !== undefined) return known;
  let result: Tree | UnreadableTree['reason'];
  try {
    result = parseTree(await store.read(oid), oid);
  } catch (err) {
    if (!isCairnError(err)) throw err;
    result = err.code === 'NOT_FOUND' ? 'missing' : 'corrupt';
  }
  cache.set(oid, result);
  return result;
}

/**
 * Lists the files behind pointers, opening directory trees from the cache. A directory whose tree cannot be read
 * appears once, at pointer level, and is reported in `unreadable`: callers say so instead of guessing.
 */
export async function expandPointers(
  store: ObjectStore,
  pointers: TrackedPointer[],
  cache: TreeCache = new Map(),
): Promise<{ files: TrackedFile[]; unreadable: UnreadableTree[] }> {
  const files: TrackedFile[] = [];
  const unreadable: UnreadableTree[] = [];
  for (const { dataPath, pointer } of pointers) {
    if (pointer.kind === 'file') {
      files.push({ path: dataPath, oid: pointer.oid, size: pointer.size, exec: Boolean(pointer.exec), tracked: dataPath });
      continue;
    }
    const tree = await loadTreeCached(store, pointer.oid, cache);
    if (typeof tree === 'string') {
      unreadable.push({ path: dataPath, oid: pointer.oid, reason: tree });
      files.push({ path: dataPath, oid: pointer.oid, size: pointer.size, exec: false, tracked: dataPath, unexpanded: true });
      continue;
    }
    for (const e of tree.entries) {
      files.push({ path: `${dataPath}/${e.path}`, oid: e.oid, size: e.size, exec: e.exec, tracked: dataPath });
    }
  }
  return { files, unreadable };
}

/** Something that references an object: a pointer, a lock-file output, a run-cache entry. `dir` when it is a tree. */
export interface ObjectRef {
  path: string;
  oid: string;
  dir: boolean;
}

export function pointerRefs(pointers: TrackedPointer[]): ObjectRef[] {
  return pointers.map((p) => ({ path: p.dataPath, oid: p.pointer.oid, dir: p.pointer.kind === 'dir' }));
}

/** Every oid the refs need: blobs, tree objects and the blobs inside the trees that can be read. */
export async function referencedOids(
  store: ObjectStore,
  refs: ObjectRef[],
  cache: TreeCache = new Map(),
): Promise<{ oids: Set<string>; unreadable: UnreadableTree[] }> {
  const oids = new Set<string>();
  const unreadable: UnreadableTree[] = [];
  for (const ref of refs) {
    oids.add(ref.oid);
    if (!ref.dir) continue;
    const tree = await loadTreeCached(store, ref.oid, cache);
    if (typeof tree === 'string') unreadable.push({ path: ref.path, oid: ref.oid, reason: tree });
    else for (const e of tree.entries) oids.add(e.oid);
  }
  return { oids, unreadable };
}
