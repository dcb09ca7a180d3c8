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
