import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { readChunkRefSync } from './chunkRefs.js';
import { inlineDigest, workerDigest, type BlockDigest } from './blockDigest.js';
import { parseManifest, type Manifest } from './manifest.js';
import { locateObject, readObjectSync, readPackedSync } from '../packs/locateObject.js';

/** A failure that carries its CairnError code out of a worker thread (errors do not survive postMessage as classes). */
export class ChunkedReadError extends Error {
  constructor(readonly code: 'INTEGRITY' | 'NOT_FOUND', message: string, readonly hint: string) {
    super(message);
  }
}

const objectAt = (cacheDir: string, oid: string) => path.join(cacheDir, 'objects', oid.slice(0, 2), oid.slice(2));

/** The manifest of chunked file `fileOid` in the cache, checked against its own oid and the file's; null when not chunked here. */
export function loadManifestSync(cacheDir: string, fileOid: string): Manifest | null {
  const manifestOid = readChunkRefSync(cacheDir, fileOid);
  if (!manifestOid) return null;
  let bytes: Buffer;
  try {
    bytes = readObjectSync(cacheDir, manifestOid);
  } catch {
    throw new ChunkedReadError('NOT_FOUND', `the chunk manifest ${manifestOid.slice(0, 12)} of object ${fileOid.slice(0, 12)} is not in the cache`, 'fetch it again with `cairn pull`, or re-add the file');
  }
  let m: Manifest;
  try {
    m = parseManifest(bytes, manifestOid, manifestOid);
  } catch (err) {
    throw new ChunkedReadError('INTEGRITY', (err as Error).message, 'run `cairn fsck --repair`, then `cairn pull` the file again');
  }
  if (m.oid !== fileOid) throw new ChunkedReadError('INTEGRITY', `the chunk manifest ${manifestOid.slice(0, 12)} names object ${m.oid.slice(0, 12)}, not ${fileOid.slice(0, 12)}`, 'run `cairn fsck --repair`');
  return m;
}

/**
 * Writes the content of a chunked file to `fd` chunk by chunk. Each chunk is checked for its size as read; the whole
 * content is hashed on the way and must match the file oid. Only when it does not are the chunks hashed one by one,
 * to name the bad chunk: one hash pass on the fast path instead of two (the whole digest covers every byte anyway).
 * A file of `hashAside` bytes or more is hashed on a worker thread while this one reads and writes (a checkout of a
 * large file then costs about its hash pass, not the hash pass plus the copy); below it, starting a thread would
 * cost more than it saves.
 */
export function assembleChunked(cacheDir: string, m: Manifest, fd: number, options: { hashAside?: number } = {}): void {
  const digest = m.size >= (options.hashAside ?? HASH_ASIDE) ? workerDigest : inlineDigest;
  assembleInto(cacheDir, m, digest, (bytes) => {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  });
}

/**
 * Bytes gathered before each write and each hand-over to the hash: about one chunk. Small enough that a block is
 * still in the CPU cache when it is hashed and written after being read (8 MiB blocks cost 10–50% more CPU time for a
 * 1 GiB checkout, measured); a system call per MiB costs nothing next to copying that MiB.
 */
const BLOCK = 1 << 20;
/** Default size from which the whole-file digest is computed on a worker thread (about 40 ms of hashing). */
const HASH_ASIDE = 64 << 20;

/**
 * Hands the file's bytes to `sink` in order, in blocks of several chunks (a view valid during the call), with the
 * checks described above. Chunks are read straight into the block, so no byte is copied twice in user space.
 */
function assembleInto(cacheDir: string, m: Manifest, makeDigest: (blockSize: number) => BlockDigest, sink: (bytes: Buffer) => void): void {
  const largest = m.chunks.reduce((n, c) => Math.max(n, c.size), 0);
  const whole = makeDigest(BLOCK + largest + 1);
  try {
    let buf = whole.block();
    let fill = 0;
    for (const c of m.chunks) {
      const got = readChunk(cacheDir, c.oid, buf.subarray(fill, fill + c.size + 1));
      if (got !== c.size) throw new ChunkedReadError('INTEGRITY', `chunk ${c.oid.slice(0, 12)} of object ${m.oid.slice(0, 12)} has ${got} bytes, not ${c.size}`, 'run `cairn fsck --repair`, then `cairn pull` the file again');
      fill += got;
      if (fill >= BLOCK) {
        whole.add(fill);
        sink(buf.subarray(0, fill));
        buf = whole.block();
        fill = 0;
      }
    }
    if (fill) {
      whole.add(fill);
      sink(buf.subarray(0, fill));
    }
    if (whole.hex() !== m.oid) throw corrupt(cacheDir, m, Buffer.allocUnsafe(largest + 1));
  } finally {
    whole.close();
  }
}

/** The error for a file whose chunks do not hash to its oid, naming the first chunk that does not hash to its own. */
function corrupt(cacheDir: string, m: Manifest, buf: Buffer): ChunkedReadError {
  const bad = m.chunks.find((c) => {
    const n = readChunk(cacheDir, c.oid, buf);
    return createHash('sha256').update(buf.subarray(0, n)).digest('hex') !== c.oid;
  });
  return new ChunkedReadError('INTEGRITY', `object ${m.oid.slice(0, 12)} assembled from its chunks does not match its oid${bad ? ` (chunk ${bad.oid.slice(0, 12)} is corrupt)` : ''}`, 'run `cairn fsck --repair`, then `cairn pull` the file again');
}

function readChunk(cacheDir: string, oid: string, buf: Buffer): number {
  let fd: number;
  try {
    fd = openSync(objectAt(cacheDir, oid), 'r');
  } catch {
    // A file's last chunk can be small enough for a pack (a layout 2 cache migrated from layout 1 packs it).
    const loc = locateObject(cacheDir, oid);
    if (loc?.kind !== 'packed') throw new ChunkedReadError('NOT_FOUND', `chunk ${oid.slice(0, 12)} is not in the cache`, 'fetch it again with `cairn pull`, or re-add the file');
    const bytes = readPackedSync(cacheDir, oid, loc);
    return bytes.copy(buf, 0, 0, Math.min(bytes.length, buf.length));
  }
  try {
    let got = 0;
    let n: number;
    while (got < buf.length && (n = readSync(fd, buf, got, buf.length - got, null)) > 0) got += n;
    return got;
  } finally {
    closeSync(fd);
  }
}

/** The whole content of a chunked file in memory (for small reads such as `ObjectStore.read`), verified the same way. */
export function readChunkedSync(cacheDir: string, m: Manifest): Buffer {
  const parts: Buffer[] = [];
  assembleInto(cacheDir, m, inlineDigest, (bytes) => parts.push(Buffer.from(bytes)));
  return Buffer.concat(parts, m.size);
}
