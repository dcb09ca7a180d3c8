import { statSync } from 'node:fs';
import path from 'node:path';
import { readChunkRefSync } from './chunkRefs.js';
import { loadManifestSync } from './assembleChunked.js';

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
  const sizeOf = (oid: string) => {
    try {
      return statSync(path.join(cacheDir, 'objects', oid.slice(0, 2), oid.slice(2))).size;
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
