import { createHash } from 'node:crypto';
import { mkdirSync, promises as fs, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CairnError } from '../core/errors.js';
import { HASH_ALGORITHM, hashBuffer } from '../core/hash.js';
import { listChunkRefsSync } from '../data/chunks/chunkRefs.js';
import { OBJECTS_DIR } from '../data/objectPath.js';
import { withPacked } from '../data/packs/withPacked.js';
import type { ObjectStore } from '../data/objectStore.js';
import type { LocalRemote } from './localRemote.js';

/** Objects up to this size are read whole and written with one call: per-file streams cost more than the bytes. */
export const SMALL_OBJECT = 1 << 20;
/** Small objects copied per turn of the event loop, so progress and Ctrl-C still get through. */
const SLICE = 128;
const HASH_CHUNK = 4 << 20;

export interface LocalBlob {
  oid: string;
  label: string;
}

function notFound(remote: LocalRemote, oid: string): CairnError {
  return new CairnError('NOT_FOUND', `object ${oid} is not on remote "${remote.name}" (${remote.displayUrl})`, {
    hint: 'push it from a repo that has it with `cairn push`', data: { oid },
  });
}

function mismatch(what: string, oid: string, got: string, size: number): CairnError {
  return new CairnError('INTEGRITY', `${what} does not match its object id: expected ${oid}, got ${got} (${size} bytes)`, {
    hint: 'the source is corrupt or was cut short; it was not stored. Run `cairn fsck` on the source or retry',
    data: { oid, got },
  });
}

let tempCounter = 0;

/**
 * A temp name beside `final`, unique within this process by a counter (a random suffix per object cost more than
 * the 4 KiB it names); files are created with 'wx', so another process's temp file is never overwritten.
 */
function tempPathFor(final: string): string {
  return path.join(path.dirname(final), `.${path.basename(final).slice(0, 16)}.tmp-${process.pid}-${tempCounter++}`);
}

/**
 * Which of `oids` the cache holds. Many oids: one listing per prefix folder instead of one failing stat per object
 * (a fresh clone's cache holds none of them, and each ENOENT costs an exception).
 */
export async function objectsInCache(store: ObjectStore, oids: Iterable<string>): Promise<Set<string>> {
  const wanted = new Set(oids);
  if (wanted.size < 256) return store.hasMany(wanted);
  const present = new Set<string>();
  const byPrefix = new Map<string, string[]>();
  for (const oid of wanted) {
    const list = byPrefix.get(oid.slice(0, 2));
    if (list) list.push(oid);
    else byPrefix.set(oid.slice(0, 2), [oid]);
  }
  for (const [prefix, list] of byPrefix) {
    let names: Set<string>;
    try {
      names = new Set(readdirSync(path.join(store.root, OBJECTS_DIR, prefix)));
    } catch {
      continue; // no such prefix folder yet: none of these objects is there
    }
    for (const oid of list) if (names.has(oid.slice(2))) present.add(oid);
  }
  // Files stored chunked count as present (their refs are few: one per large file); in layout 2 the rest may be packed.
  for (const oid of listChunkRefsSync(store.root)) if (wanted.has(oid)) present.add(oid);
  const packed = withPacked(store.root, () => false);
  for (const oid of wanted) if (!present.has(oid) && packed(oid)) present.add(oid);
  return present;
}

const isEnoent = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Copies small objects from a local-directory remote into the cache with synchronous reads and writes: each one is
 * read whole, hashed, and only when it matches its oid written to a temp name and renamed to its final one.
 * `onDone(blob, size)` or `onError(blob, err)` is called per object; NOT_FOUND and INTEGRITY errors are per object,
 * anything else (a flaky mount, a full disk) is handed to `onError` too, for the caller to retry the slow way.
 */
export async function copySmallObjects(
  remote: LocalRemote, store: ObjectStore, blobs: readonly LocalBlob[], signal: AbortSignal | undefined,
  onDone: (blob: LocalBlob, size: number) => void, onError: (blob: LocalBlob, err: unknown) => void,
): Promise<void> {
  const madeDirs = new Set<string>();
  for (let start = 0; start < blobs.length; start += SLICE) {
    if (start > 0) await yieldToLoop();
    if (signal?.aborted) throw new CairnError('INTERRUPTED', 'the download was interrupted');
    for (const blob of blobs.slice(start, start + SLICE)) {
      try {
        onDone(blob, copySmallSync(remote, store, blob, madeDirs));
      } catch (err) {
        onError(blob, err);
      }
    }
  }
}

function copySmallSync(remote: LocalRemote, store: ObjectStore, blob: LocalBlob, madeDirs: Set<string>): number {
  let data: Buffer;
  try {
    data = readFileSync(remote.objectFile(blob.oid));
  } catch (err) {
    if (isEnoent(err)) throw notFound(remote, blob.oid);
    throw remote.failure(err, `could not read object ${blob.oid} from`);
  }
  const got = hashBuffer(data);
  if (got !== blob.oid) throw mismatch(`${blob.label} (object ${blob.oid}) from remote "${remote.name}"`, blob.oid, got, data.length);
  const final = store.path(blob.oid);
  const dir = path.dirname(final);
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = tempPathFor(final);
  try {
    writeFileSync(tmp, data, { mode: 0o444, flag: 'wx' });
    renameSync(tmp, final);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return data.length;
}

/**
 * Copies one (large) object from a local-directory remote into the cache: 4 MiB reads are hashed and written to a
 * temp name, the write of one chunk overlapping the read and hash of the next (measured faster here than a kernel copy
 * followed by a hashing pass). The bytes written are the very buffers hashed; the temp file gets its final name only
 * when the hash matches the oid.
 */
export async function copyLargeObject(
  remote: LocalRemote, store: ObjectStore, blob: LocalBlob, onBytes?: (n: number) => void, signal?: AbortSignal,
): Promise<number> {
  let input: fs.FileHandle;
  try {
    input = await fs.open(remote.objectFile(blob.oid), 'r');
  } catch (err) {
    if (isEnoent(err)) throw notFound(remote, blob.oid);
    throw remote.failure(err, `could not read object ${blob.oid} from`);
  }
  const final = store.path(blob.oid);
  const tmp = tempPathFor(final);
  let output: fs.FileHandle | null = null;
  try {
    await fs.mkdir(path.dirname(final), { recursive: true });
    output = await fs.open(tmp, 'wx', 0o444);
    const hash = createHash(HASH_ALGORITHM);
    const buffers = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
    let writing: Promise<unknown> | null = null;
    let size = 0;
    for (let k = 0; ; k ^= 1) {
      if (signal?.aborted) throw new CairnError('INTERRUPTED', 'the download was interrupted');
      const buf = buffers[k];
      let bytesRead: number;
      try {
        ({ bytesRead } = await input.read(buf, 0, HASH_CHUNK, size));
      } catch (err) {
        throw remote.failure(err, `could not read object ${blob.oid} from`);
      }
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      // The other buffer's write must finish before that buffer is read into again (next turn).
      if (writing) await writing;
      writing = writeFully(output, buf, bytesRead, size);
      // Awaited next turn; the no-op handler keeps a failure meanwhile from counting as an unhandled rejection.
      writing.catch(() => {});
      size += bytesRead;
      onBytes?.(bytesRead);
    }
    if (writing) await writing;
    await output.close();
    output = null;
    const got = hash.digest('hex');
    if (got !== blob.oid) throw mismatch(`${blob.label} (object ${blob.oid}) from remote "${remote.name}"`, blob.oid, got, size);
    await fs.rename(tmp, final);
    return size;
  } catch (err) {
    await output?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  } finally {
    await input.close().catch(() => {});
  }
}

async function writeFully(handle: fs.FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  for (let off = 0; off < length;) {
    const { bytesWritten } = await handle.write(buf, off, length - off, position + off);
    off += bytesWritten;
  }
}
