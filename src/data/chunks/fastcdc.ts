import { GEAR } from './gearTable.js';

/** Chunk size bounds. The defaults are fixed by the chunk format (docs/formats.md); tests use smaller ones. */
export interface ChunkParams {
  min: number;
  /** The normal size: below it the stricter mask applies, above it the looser one (FastCDC's normalized chunking). */
  avg: number;
  max: number;
  /** How far normalized chunking pulls sizes toward `avg`: the masks take log2(avg) ± this many bits (0: one mask). */
  normalization: number;
}

/**
 * Chosen with bench/chunkParamsSim.mjs (1% of a file overwritten in runs of 1.07 MB): chunks average about 1 MiB
 * (normal size 768 KiB: most cuts fall a little after it), and an edit rewrites about 2.6 MiB of chunks, within
 * 0.3 MiB of the floor for these sizes (the run plus E[S²]/E[S]). Level 1 rather than 2 or 3: the stricter levels
 * tighten the sizes, but a cut then depends mostly on the distance from the previous cut rather than on the content,
 * so the cuts after an edit take several chunks to fall back onto the old ones (level 3 rewrote 4.7 MiB per edit,
 * twice as much). A 128 KiB minimum skips fewer old cuts after an edit than 256 KiB and still skips hashing an
 * eighth of each chunk.
 */
export const DEFAULT_CHUNK_PARAMS: ChunkParams = { min: 128 << 10, avg: 768 << 10, max: 4 << 20, normalization: 1 };

/**
 * The two masks of normalized chunking: log2(avg) + normalization bits before the normal size, log2(avg) -
 * normalization after it. They take the top bits of the 32-bit gear hash, which depend on the last 32 bytes.
 */
export function masksFor(avg: number, normalization: number): { strict: number; loose: number } {
  const bits = Math.round(Math.log2(avg));
  const top = (n: number) => (n >= 32 ? -1 : ~((1 << (32 - n)) - 1)) | 0;
  return { strict: top(Math.min(31, bits + normalization)), loose: top(Math.max(1, bits - normalization)) };
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
  const { strict, loose } = masksFor(params.avg, params.normalization);
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
