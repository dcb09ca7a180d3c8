import { Readable } from 'node:stream';
import { CairnError } from '../../core/errors.js';
import { bodyStream, request, type HttpTarget } from '../httpClient.js';
import type { PackReadOptions } from '../remote.js';
import { packFileRel, packNotFound, rangeHeader } from './packFileName.js';

/**
 * GET of a pack file for both HTTP backends (HTTP and WebDAV), with a `Range` header for a ranged read. A server
 * that ignores the range (200 with the whole file) is refused rather than read whole by surprise.
 */
export async function httpPackRead(target: HttpTarget, file: string, options: PackReadOptions = {}): Promise<Readable> {
  const rel = packFileRel(target.remote, file);
  const { range } = options;
  if (range?.length === 0) return Readable.from([]);
  const res = await request(target, 'GET', rel, `download ${rel}`, {
    signal: options.signal, allow: [404], ...(range ? { headers: { range: rangeHeader(range) } } : {}),
  });
  if (res.status === 404) {
    await res.body?.cancel().catch(() => {});
    throw packNotFound(target.remote, target.displayUrl, file);
  }
  if (range && res.status !== 206) {
    await res.body?.cancel().catch(() => {});
    throw new CairnError('REMOTE', `remote "${target.remote}" (${target.displayUrl}) ignored a byte range for ${rel} (HTTP ${res.status})`, {
      hint: 'serve the remote with a server that supports Range requests (nginx, Apache and most do)',
    });
  }
  return bodyStream(res, options.onBytes);
}
