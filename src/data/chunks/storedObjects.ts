import { statSync } from 'node:fs';
import { readChunkRefSync } from './chunkRefs.js';
import { loadManifestSync } from './assembleChunked.js';
import { locateObject } from '../packs/locateObject.js';

/** An object of the cache with its size on disk. */
export interface StoredObject {
  oid: string;
  size: number;
}

/**
 * The objects that hold a file's content in the cache: the file's own object (stored whole), or its manifest and
 * chunks (stored chunked); null when neither is there. A damaged manifest counts as the manifest alone.
 */
export function storedObjectsOf(cacheDir: string, fileOid: string): StoredObject[] | null {
  // A loose object's size on disk, or a packed one's bytes in its pack (layout 2).
  const sizeOf = (oid: string) => {
    const loc = locateObject(cacheDir, oid);
    if (!loc) return null;
    if (loc.kind === 'packed') return loc.length;
    try {
      return statSync(loc.file).size;
    } catch {
      return null;
    }
  };
  const whole = sizeOf(fileOid);
  if (whole !== null) return [{ oid: fileOid, size: whole }];
  const manifestOid = readChunkRefSync(cacheDir, fileOid);
  if (!manifestOid) return null;
  const out: StoredObject[] = [{ oid: manifestOid, size: sizeOf(manifestOid) ?? 0 }];
  try {
    for (const c of loadManifestSync(cacheDir, fileOid)?.chunks ?? []) if (sizeOf(c.oid) !== null) out.push({ oid: c.oid, size: c.size });
  } catch {
    /* damaged: fsck reports it */
  }
  return out;
}
