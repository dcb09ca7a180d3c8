import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { cutPoint, DEFAULT_CHUNK_PARAMS, type ChunkParams } from './fastcdc.js';

/** Bytes asked of the OS per read: large enough that a read costs little per byte, small enough to stay in cache. */
const READ_SIZE = 8 << 20;

const buffers = new Map<number, Buffer>();

/**
 * Reads a file once and cuts it into chunks: `onChunk` gets each chunk's bytes (a view, valid only during the call)
 * and the SHA-256 of the whole content comes back. Memory stays at one read plus one maximal chunk.
 */
export function chunkFd(
  fd: number,
  onChunk: (bytes: Uint8Array) => void,
  params: ChunkParams = DEFAULT_CHUNK_PARAMS,
): { oid: string; size: number } {
  const cap = READ_SIZE + params.max;
  let buf = buffers.get(cap);
  if (!buf) buffers.set(cap, (buf = Buffer.allocUnsafe(cap)));
  const whole = createHash('sha256');
  let len = 0;
  let size = 0;
  let eof = false;
  for (;;) {
    while (!eof && len < cap) {
      const n = readSync(fd, buf, len, cap - len, null);
      if (n === 0) eof = true;
      else {
        whole.update(buf.subarray(len, len + n));
        len += n;
        size += n;
      }
    }
    let start = 0;
    while (start < len) {
      const cut = cutPoint(buf, start, len, eof, params);
      if (cut < 0) break;
      onChunk(buf.subarray(start, cut));
      start = cut;
    }
    if (eof) break;
    buf.copyWithin(0, start, len);
    len -= start;
  }
  return { oid: whole.digest('hex'), size };
}
