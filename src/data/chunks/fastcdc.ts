import { GEAR } from './gearTable.js';

/** Chunk size bounds. The defaults are fixed by the chunk format (docs/formats.md); tests use smaller ones. */
export interface ChunkParams {
  min: number;
  /** The normal size: below it the stricter mask applies, above it the looser one (FastCDC's normalized chunking). */
  avg: number;
  max: number;
}

export const DEFAULT_CHUNK_PARAMS: ChunkParams = { min: 256 << 10, avg: 1 << 20, max: 4 << 20 };

/**
 * How far normalized chunking pulls sizes toward the normal size. Level 3 rather than FastCDC's usual 2: chunk sizes
 * spread less, so an edit rewrites fewer bytes of chunks around it (about 10% less in a simulation of 1% scattered
 * edits to a 256 MiB file), for the same average size.
 */
export const NORMALIZATION = 3;

/**
 * The two masks of normalized chunking: log2(avg) + NORMALIZATION bits before the normal size, log2(avg) -
 * NORMALIZATION after it. They take the top bits of the 32-bit gear hash, which depend on the last 32 bytes.
 */
export function masksFor(avg: number): { strict: number; loose: number } {
  const bits = Math.round(Math.log2(avg));
  const top = (n: number) => (n >= 32 ? -1 : ~((1 << (32 - n)) - 1)) | 0;
  return { strict: top(Math.min(31, bits + NORMALIZATION)), loose: top(Math.max(1, bits - NORMALIZATION)) };
}

/**
 * FastCDC over `data[start, end)`: the end offset of the chunk starting at `start`, or -1 when more bytes are needed
 * to decide (fewer than `max` are available and the input has not ended). Pure. A cut depends only on the bytes of
 * its own chunk, so the same content cuts the same way wherever it sits in a file: that gives shift-resistance.
 */
export function cutPoint(data: Uint8Array, start: number, end: number, eof: boolean, params: ChunkParams = DEFAULT_CHUNK_PARAMS): number {
  const n = end - start;
  if (n <= params.min) return eof ? end : -1;
  const limit = n < params.max ? n : params.max;
  const { strict, loose } = masksFor(params.avg);
  const normal = start + (limit < params.avg ? limit : params.avg);
  const stop = start + limit;
  const gear = GEAR;
  let h = 0;
  let i = start + params.min;
  // Two tight loops instead of one with a mask switch: this is the hot path of `cairn add` for big files.
  for (; i < normal; i++) {
    h = ((h << 1) + gear[data[i]]) | 0;
    if ((h & strict) === 0) return i + 1;
  }
  for (; i < stop; i++) {
    h = ((h << 1) + gear[data[i]]) | 0;
    if ((h & loose) === 0) return i + 1;
  }
  return limit === params.max || eof ? stop : -1;
}

/** Every chunk length of a whole buffer (for tests and small inputs). Pure. */
export function chunkLengths(data: Uint8Array, params: ChunkParams = DEFAULT_CHUNK_PARAMS): number[] {
  const out: number[] = [];
  let start = 0;
  while (start < data.length) {
    const cut = cutPoint(data, start, data.length, true, params);
    out.push(cut - start);
    start = cut;
  }
  return out;
}
