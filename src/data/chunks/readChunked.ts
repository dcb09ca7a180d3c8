import { CairnError } from '../../core/errors.js';
import { ChunkedReadError, loadManifestSync, readChunkedSync } from './assembleChunked.js';

/** The verified bytes of a file stored chunked in the cache, or null when it is not stored chunked there. */
export function readChunked(cacheDir: string, fileOid: string): Buffer | null {
  try {
    const m = loadManifestSync(cacheDir, fileOid);
    return m ? readChunkedSync(cacheDir, m) : null;
  } catch (err) {
    if (err instanceof ChunkedReadError) throw new CairnError(err.code, err.message, { hint: err.hint, data: { oid: fileOid } });
    throw err;
  }
}
