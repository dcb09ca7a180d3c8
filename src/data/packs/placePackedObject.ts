import { writeSync } from 'node:fs';
import type { FileStat, MaterializeItem, StoreParams } from '../fileOps.js';
import { writeIntoPlace } from '../fileOps.js';
import { locateObject, readPackedSync } from './locateObject.js';

/**
 * Checks out a packed object: its bytes are copied out of the pack into a new workspace file (temp name, rename).
 * Hardlinks, symlinks and reflinks need a file of the object's own, so every link mode falls back to this copy.
 * Null when the object is not packed (the caller places the loose file).
 */
export function placePackedObject(params: StoreParams, item: MaterializeItem): FileStat | null {
  const loc = locateObject(params.cacheDir, item.oid);
  if (loc?.kind !== 'packed') return null;
  const bytes = readPackedSync(params.cacheDir, item.oid, loc);
  return writeIntoPlace(params, item, (fd) => {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  });
}
