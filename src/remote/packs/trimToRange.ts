import { Transform, type Readable } from 'node:stream';
import type { ByteRange } from '../remote.js';

/**
 * Keeps exactly `range` of a body that a server returned as `got` (from its Content-Range). Some S3-compatible servers
 * widen a range (s3rver answers `bytes=0-0` with the whole object); the caller still gets only the bytes it asked for.
 */
export function trimToRange(body: Readable, got: ByteRange, range: ByteRange): Readable {
  if (got.offset === range.offset && got.length === range.length) return body;
  let at = got.offset;
  const end = range.offset + range.length;
  const trim = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const from = Math.max(0, range.offset - at);
      const to = Math.min(chunk.length, end - at);
      at += chunk.length;
      done(null, to > from ? chunk.subarray(from, to) : undefined);
    },
  });
  body.on('error', (err) => trim.destroy(err));
  return body.pipe(trim);
}

/** The range in a `Content-Range: bytes a-b/total` header, or null. Pure. */
export function parseContentRange(header: string | undefined): ByteRange | null {
  const m = /^bytes (\d+)-(\d+)\//.exec(header ?? '');
  return m ? { offset: Number(m[1]), length: Number(m[2]) - Number(m[1]) + 1 } : null;
}
