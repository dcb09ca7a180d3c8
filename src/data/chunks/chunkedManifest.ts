import { CairnError } from '../../core/errors.js';
import { closeSync, openSync } from 'node:fs';
import { assembleChunked, ChunkedReadError, loadManifestSync, readChunkedSync } from './assembleChunked.js';
import type { Manifest } from './manifest.js';

/** Files this small are never stored chunked: cut, they would be one or two chunks anyway. */
export const MIN_CHUNKED_SIZE = 256 << 10;

/** Runs a synchronous chunked read, turning its worker-safe errors into CairnErrors. */
function asCairn<T>(fileOid: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ChunkedReadError) throw new CairnError(err.code, err.message, { hint: err.hint, data: { oid: fileOid } });
    throw err;
  }
}

/** The manifest of a file stored chunked in the cache (checked), null when it is not; damage is a CairnError. */
export function localManifest(cacheDir: string, fileOid: string): Manifest | null {
  return asCairn(fileOid, () => loadManifestSync(cacheDir, fileOid));
}

/** The verified bytes of a file stored chunked in the cache, or null when it is not stored chunked there. */
export function readChunked(cacheDir: string, fileOid: string): Buffer | null {
  return asCairn(fileOid, () => {
    const m = loadManifestSync(cacheDir, fileOid);
    return m ? readChunkedSync(cacheDir, m) : null;
  });
}

/** Writes a chunked file of the cache to `dest` (created, verified as assembled); false when it is not stored chunked. */
export function writeChunkedTo(cacheDir: string, fileOid: string, dest: string): boolean {
  return asCairn(fileOid, () => {
    const m = loadManifestSync(cacheDir, fileOid);
    if (!m) return false;
    const fd = openSync(dest, 'w', 0o644);
    try {
      assembleChunked(cacheDir, m, fd);
    } finally {
      closeSync(fd);
    }
    return true;
  });
}
