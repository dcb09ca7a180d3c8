import { existsSync } from 'node:fs';
import { hashBuffer } from '../../core/hash.js';
import { chunkRefPath, writeChunkRefSync } from './chunkRefs.js';
import { MIN_CHUNKED_SIZE } from './chunkedManifest.js';
import { chunkFd } from './chunkStream.js';
import { chunkLengths } from './fastcdc.js';
import { serializeManifest, type ChunkEntry } from './manifest.js';

/** Writes one object unless present; true when it wrote. The cache writer of fileOps (temp name, then rename). */
export type PutObject = (oid: string, bytes: Buffer) => boolean;

export interface ChunkedRead {
  oid: string;
  size: number;
  chunks: ChunkEntry[];
  /** Chunks this read wrote (the rest were in the cache already). */
  newChunks: number;
}

/** Default size above which `cairn add` stores a file as chunks (config `cache.chunk_threshold`). */
export const DEFAULT_CHUNK_THRESHOLD = 8 << 20;

/** Reads a file once, storing each chunk the cache lacks as it goes, and returns the whole-content oid and the cuts. */
export function chunkIntoStore(fd: number, put: PutObject): ChunkedRead {
  const chunks: ChunkEntry[] = [];
  let newChunks = 0;
  const { oid, size } = chunkFd(fd, (bytes) => {
    const c = hashBuffer(bytes);
    if (put(c, bytes as Buffer)) newChunks++;
    chunks.push({ oid: c, size: bytes.length });
  });
  return { oid, size, chunks, newChunks };
}

/**
 * Records a chunked file once its chunks are in the cache: the manifest object, then the ref naming it, last, so a
 * crash at any point leaves no ref whose manifest or chunks are missing. Nothing is written when the file is stored
 * already (whole, as layout 1 does, or chunked). True when it wrote the ref.
 */
export function commitChunked(cacheDir: string, wholePath: string, read: ChunkedRead, put: PutObject): boolean {
  if (existsSync(wholePath) || existsSync(chunkRefPath(cacheDir, read.oid))) return false;
  const bytes = serializeManifest({ version: 1, oid: read.oid, size: read.size, chunks: read.chunks });
  const manifestOid = hashBuffer(bytes);
  put(manifestOid, bytes);
  writeChunkRefSync(cacheDir, read.oid, manifestOid);
  return true;
}

/** Whether a file of `size` bytes is stored chunked under `threshold` (0: never; never at or below one minimal chunk). */
export function chunkingApplies(threshold: number | undefined, size: number): boolean {
  return Boolean(threshold) && size > threshold! && size > MIN_CHUNKED_SIZE;
}

/** chunkIntoStore for a file already read into memory (`oid` is its hash). */
export function chunkBufferIntoStore(oid: string, data: Buffer, put: PutObject): ChunkedRead {
  const chunks: ChunkEntry[] = [];
  let newChunks = 0;
  let at = 0;
  for (const n of chunkLengths(data)) {
    const bytes = data.subarray(at, (at += n));
    const c = hashBuffer(bytes);
    if (put(c, bytes)) newChunks++;
    chunks.push({ oid: c, size: n });
  }
  return { oid, size: data.length, chunks, newChunks };
}
