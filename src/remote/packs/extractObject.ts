import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '../../core/atomicWrite.js';
import type { ObjectStore } from '../../data/objectStore.js';
import { locateObject } from '../../data/packs/locateObject.js';

/**
 * A packed object copied out to a temp file (for a backend that uploads files, pushing to a layout 1 remote);
 * null when the object is not packed. The caller runs `cleanup` when done.
 */
export async function extractObject(store: ObjectStore, oid: string): Promise<{ file: string; size: number; cleanup: () => Promise<void> } | null> {
  if (locateObject(store.root, oid)?.kind !== 'packed') return null;
  const dir = path.join(store.root, 'tmp');
  await fs.mkdir(dir, { recursive: true });
  const file = tempPathFor(path.join(dir, oid));
  await store.copyTo(oid, file);
  const size = (await fs.stat(file)).size;
  return { file, size, cleanup: () => fs.rm(file, { force: true }) };
}

/**
 * The file to upload for an object of the cache: its loose file, or a temp copy out of its pack (a layout 2 cache);
 * null when the cache has neither. The caller runs `cleanup` when done (nothing to do for a loose file).
 */
export async function uploadableFile(store: ObjectStore, oid: string): Promise<{ file: string; size: number; cleanup: () => Promise<void> } | null> {
  const file = store.path(oid);
  try {
    return { file, size: (await fs.stat(file)).size, cleanup: async () => {} };
  } catch {
    return extractObject(store, oid);
  }
}
