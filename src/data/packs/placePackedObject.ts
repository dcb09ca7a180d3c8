import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import type { FileStat, MaterializeItem, StoreParams } from '../fileOps.js';
import { removeQuietly, statOf, tmpName } from '../fileOps.js';
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
  const mode = item.exec ? params.fileMode | ((params.fileMode & 0o444) >> 2) : params.fileMode;
  const tmp = tmpName(item.dest);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, item.dest);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
  return statOf(statSync(item.dest, { bigint: true }));
}
