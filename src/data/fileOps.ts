import { createHash } from 'node:crypto';
import {
  chmodSync, constants, copyFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync,
  type BigIntStats,
} from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { LinkType } from '../core/config.js';
import { fromSystemError, type CairnError } from '../core/errors.js';
import { HASH_ALGORITHM, hashBuffer } from '../core/hash.js';
import { ChunkedReadError, assembleChunked, loadManifestSync } from './chunks/assembleChunked.js';
import { chunkBufferIntoStore, chunkingApplies, chunkIntoStore, commitChunked, type ChunkedRead } from './chunks/storeChunked.js';
import { linkWorkspace, placeFile } from './link.js';
import { PACK_TARGET_BYTES, dropPackBatch, flushPackBatch, queuedBytes, queuePacked } from './packs/packBatch.js';
import { placePackedObject } from './packs/placePackedObject.js';

/**
 * The per-file work of add, status and checkout, written with synchronous calls on purpose: they run inside the
 * hash workers (or inline for a handful of files), where a sync syscall costs far less than a promise per file.
 * These functions never throw: each item gets a result or an error record, so one bad file names itself.
 */

export interface FileStat {
  ino: number;
  size: number;
  mtimeNs: string;
}

/** The CairnError for a system error a worker reported (`doing`: what failed, e.g. "could not store data/a"). */
export function systemErrorOf(e: FileOpError, doing: string): CairnError {
  // Node's message already starts with the errno code, which fromSystemError adds again.
  const message = e.errno && e.message.startsWith(`${e.errno}: `) ? e.message.slice(e.errno.length + 2) : e.message;
  return fromSystemError(Object.assign(new Error(message), { code: e.errno }), doing);
}

export interface FileOpError {
  /** 'changed': the file changed while it was read; 'system': an errno from the OS; 'chunked': a chunked object is bad or incomplete. */
  kind: 'changed' | 'system' | 'chunked';
  errno?: string;
  /** For 'chunked': the CairnError code and hint to rebuild on the main thread. */
  code?: 'INTEGRITY' | 'NOT_FOUND';
  hint?: string;
  message: string;
  path: string;
}

export type PoolOp = 'hash' | 'store' | 'materialize' | 'relink';

/** One file for the pool: `abs` is the file to hash or store; checkout items also name the object and destination. */
export interface PoolItem {
  abs: string;
  /** Expected size, used only to cut batches of similar weight. */
  size: number;
  oid?: string;
  exec?: boolean;
  /** The file's stat from the walk: when the file still matches it after reading, no stat before the read is needed. */
  stat?: FileStat;
}

export interface HashResult {
  oid?: string;
  stat?: FileStat;
  /** True when this call wrote a new object into the cache. */
  stored?: boolean;
  error?: FileOpError;
}

export interface StoreParams {
  cacheDir: string;
  /** Link modes to put the workspace copy back with after storing (empty: leave the workspace file alone). */
  links: LinkType[];
  fileMode: number;
  /**
   * Set when many new objects are expected in a cache that is small next to them: each thread then lists a prefix
   * folder once and looks names up in memory instead of a stat per object. The value identifies one store run, so a
   * listing never outlives it (objects written meanwhile by another thread or process are at worst renamed over by
   * identical bytes).
   */
  listRun?: string;
  /** Files larger than this are stored as content-defined chunks and a manifest (cache.chunk_threshold); 0: never. */
  chunkThreshold?: number;
  /** Layout 2: objects smaller than this many bytes go into packs (see src/data/packs/), not loose files. */
  packBelow?: number;
  /** Bytes of small objects a hash worker queues before it writes them as a pack (default PACK_TARGET_BYTES). */
  packTarget?: number;
  /**
   * Packs are made durable whole (their index fsync'd too), so the caller can flush the few loose files it wrote one
   * by one instead of the whole file system (see `flushFiles`).
   */
  durablePacks?: boolean;
}

export interface MaterializeItem {
  oid: string;
  dest: string;
  exec: boolean;
}

const SMALL_FILE = 8 << 20;
const CHUNK = 4 << 20;
let chunkBuffer: Buffer | null = null;
let tmpCounter = 0;

export function statOf(st: BigIntStats): FileStat {
  return { ino: Number(st.ino), size: Number(st.size), mtimeNs: st.mtimeNs.toString() };
}

export function objectFile(cacheDir: string, oid: string): string {
  return path.join(cacheDir, 'objects', oid.slice(0, 2), oid.slice(2));
}

export function tmpName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target).slice(0, 16)}.tmp-${process.pid}-${threadId}-${tmpCounter++}`);
}

function sysError(err: unknown, file: string): FileOpError {
  if (err instanceof ChunkedReadError) return { kind: 'chunked', code: err.code, hint: err.hint, message: err.message, path: file };
  const e = err as NodeJS.ErrnoException;
  return { kind: 'system', errno: e.code, message: e.message, path: file };
}

export function removeQuietly(file: string | null): void {
  if (!file) return;
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/** Per thread, for the store run `listRun`: the object names of each prefix folder listed so far. */
let listing: { run: string; dirs: Map<string, Set<string>> } | null = null;

/** Whether object `oid` is in the cache: from a listing of its prefix folder (see StoreParams.listRun) or one stat. */
function objectPresent(cacheDir: string, oid: string, listRun: string | undefined): boolean {
  if (!listRun) return existsSync(objectFile(cacheDir, oid));
  if (listing?.run !== listRun) listing = { run: listRun, dirs: new Map() };
  const prefix = oid.slice(0, 2);
  let names = listing.dirs.get(prefix);
  if (!names) {
    try {
      names = new Set(readdirSync(path.join(cacheDir, 'objects', prefix)));
    } catch {
      return existsSync(objectFile(cacheDir, oid));
    }
    listing.dirs.set(prefix, names);
  }
  return names.has(oid.slice(2));
}

/**
 * Runs `write` (which creates a file inside `dir`) and, if it fails because `dir` is gone, recreates `dir` and runs it
 * once more. The cache's prefix folders are made up front (prepareCache), so mkdir stays off the hot path; but one may
 * be deleted by hand or a clean-up tool afterwards, and the cache writer must recreate what it needs.
 */
export function inFolder<T>(dir: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || existsSync(dir)) throw err;
    mkdirSync(dir, { recursive: true });
    return write();
  }
}

/** Writes `data` as object `oid` unless present: temp name, then rename, so a final name never holds a partial object. */
export function putObject(store: StoreParams, oid: string, data: Buffer): boolean {
  if (!isPacked(store, data.length)) return putLooseObject(store, oid, data);
  // A loose copy (from layout 1, before a migration) counts: the listing answers this without a stat per object.
  return !objectPresent(store.cacheDir, oid, store.listRun) && queuePacked(store.cacheDir, oid, data, store.durablePacks === true);
}

/**
 * putObject, always as a loose file: for the chunks and manifest of a chunked file, whose ref (written right after)
 * must name bytes already durable on disk, not ones queued for a pack that is written at the end of the command.
 */
export function putLooseObject(store: StoreParams, oid: string, data: Buffer): boolean {
  const final = objectFile(store.cacheDir, oid);
  if (objectPresent(store.cacheDir, oid, store.listRun)) return false;
  const tmp = tmpName(final);
  const fd = inFolder(path.dirname(final), () => openSync(tmp, 'wx', 0o444));
  try {
    try {
      writeAll(fd, data, data.length);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
  if (store.listRun && listing?.run === store.listRun) listing.dirs.get(oid.slice(0, 2))?.add(oid.slice(2));
  return true;
}

function writeAll(fd: number, buf: Buffer, length: number): void {
  let off = 0;
  while (off < length) off += writeSync(fd, buf, off, length - off);
}

/** What tells two states of a file apart: BigIntStats has these fields. */
interface StatKey {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

/**
 * Hashes one file (and with `store`, copies it into the cache in the same read pass). The file's size and mtime are
 * compared before and after reading: a file that changes meanwhile is reported, never recorded. For a small file,
 * `expected` (its stat from the walk) stands in for the stat before reading, saving a system call per file; when the
 * file no longer matches it afterwards, the file is read again the careful way, so the outcome is the same.
 */
export function hashOne(abs: string, store: StoreParams | null, expected?: FileStat): HashResult {
  let fd = -1;
  let tmp: string | null = null;
  let tmpFd = -1;
  try {
    fd = openSync(abs, 'r');
    const walked = expected !== undefined && expected.size <= SMALL_FILE;
    const before: StatKey = walked
      ? { ino: BigInt(expected.ino), size: BigInt(expected.size), mtimeNs: BigInt(expected.mtimeNs) }
      : fstatSync(fd, { bigint: true });
    const size = Number(before.size);
    let total = 0;
    let stored = false;
    let oid: string;
    let after: BigIntStats | null = null;
    let chunked: ChunkedRead | null = null;
    if (size <= SMALL_FILE) {
      // One byte more than the size: a read that gets it means the file grew.
      const buf = Buffer.allocUnsafe(size + 1);
      while (total <= size) {
        const want = size + 1 - total;
        const n = readSync(fd, buf, total, want, null);
        total += n;
        // A short read that reaches the expected size is the end of the file (the stat after reading checks it).
        if (n === 0 || (n < want && total === size)) break;
      }
      oid = hashBuffer(buf.subarray(0, Math.min(total, size)));
      after = fstatSync(fd, { bigint: true });
      if (total === size && !changed(before, after) && store) {
        if (chunkingApplies(store.chunkThreshold, size)) chunked = chunkBufferIntoStore(oid, buf.subarray(0, size), (c, bytes) => putObject(store, c, bytes));
        else stored = putObject(store, oid, buf.subarray(0, size));
      }
    } else if (store && chunkingApplies(store.chunkThreshold, size)) {
      // Chunked storage: one read pass cuts, hashes and stores the new chunks; the manifest follows the stat check.
      chunked = chunkIntoStore(fd, (c, bytes) => putObject(store, c, bytes));
      total = chunked.size;
      oid = chunked.oid;
    } else {
      chunkBuffer ??= Buffer.allocUnsafe(CHUNK);
      let src = fd;
      if (store) {
        // Large files: let the kernel copy (a reflink where the file system can, else copy_file_range), then hash
        // the copy — the bytes stored are exactly the bytes hashed, and no user-space write pass is needed.
        const bigTmp = tmpName(path.join(store.cacheDir, 'objects', 'big'));
        inFolder(path.dirname(bigTmp), () => copyFileSync(abs, bigTmp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE));
        tmp = bigTmp;
        chmodSync(tmp, 0o444);
        tmpFd = openSync(tmp, 'r');
        src = tmpFd;
      }
      const hash = createHash(HASH_ALGORITHM);
      let n: number;
      while ((n = readSync(src, chunkBuffer, 0, CHUNK, null)) > 0) {
        total += n;
        hash.update(chunkBuffer.subarray(0, n));
      }
      oid = hash.digest('hex');
    }
    after ??= fstatSync(fd, { bigint: true });
    if (total !== size || changed(before, after)) {
      if (walked) {
        // Changed since the walk, maybe not while reading: read it again with a stat of its own.
        closeSync(fd);
        fd = -1;
        return hashOne(abs, store);
      }
      return { error: { kind: 'changed', message: 'the file changed while it was being read', path: abs } };
    }
    if (tmp) {
      closeSync(tmpFd);
      tmpFd = -1;
      const final = objectFile(store!.cacheDir, oid);
      if (existsSync(final)) removeQuietly(tmp);
      else {
        const from = tmp;
        inFolder(path.dirname(final), () => renameSync(from, final));
        stored = true;
      }
      tmp = null;
    }
    if (chunked) stored = commitChunked(store!.cacheDir, objectFile(store!.cacheDir, oid), chunked, (c, bytes) => putLooseObject(store!, c, bytes)) || chunked.newChunks > 0;
    let stat = statOf(after);
    // A chunked file or a packed object has no file of its own to link to: the workspace keeps its copy
    // (docs/formats.md, "Chunked files" and "Packs").
    if (store && store.links.length && !chunked && !isPacked(store, size)) {
      const linked = linkWorkspace(objectFile(store.cacheDir, oid), abs, store);
      if (linked) stat = linked;
    }
    return { oid, stat, stored };
  } catch (err) {
    return { error: sysError(err, abs) };
  } finally {
    if (tmpFd >= 0) closeSync(tmpFd);
    removeQuietly(tmp);
    if (fd >= 0) closeSync(fd);
  }
}

function changed(a: StatKey, b: StatKey): boolean {
  return a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.ino !== b.ino;
}

function isPacked(store: StoreParams, size: number): boolean {
  return store.packBelow !== undefined && size < store.packBelow;
}

/** Checks out one file from the cache (a packed object is copied out of its pack). */
export function materializeOne(item: MaterializeItem, params: StoreParams): HashResult {
  try {
    const obj = objectFile(params.cacheDir, item.oid);
    let stat: FileStat;
    try {
      stat = placeFile(obj, item.dest, item.exec, params);
    } catch (err) {
      // Loose first, then packed, then chunked: no extra system call for a layout 1 cache of whole files.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const packed = placePackedObject(params, item);
      const manifest = packed ? null : loadManifestSync(params.cacheDir, item.oid);
      if (!packed && !manifest) throw err;
      stat = packed ?? placeChunked(params, manifest!, item);
    }
    return { oid: item.oid, stat };
  } catch (err) {
    return { error: sysError(err, item.dest) };
  }
}

/** Writes a chunked file to a temp name beside its destination, verified, then renames it into place: always a copy. */
function placeChunked(params: StoreParams, manifest: NonNullable<ReturnType<typeof loadManifestSync>>, item: MaterializeItem): FileStat {
  return writeIntoPlace(params, item, (fd) => assembleChunked(params.cacheDir, manifest, fd));
}

/**
 * A workspace file written by `write` into a new temp file beside it (with the item's mode) and renamed into place,
 * so a reader never sees it half written: for bytes that have no file of their own to copy (chunked, packed).
 */
export function writeIntoPlace(params: StoreParams, item: MaterializeItem, write: (fd: number) => void): FileStat {
  const tmp = tmpName(item.dest);
  const mode = item.exec ? params.fileMode | ((params.fileMode & 0o444) >> 2) : params.fileMode;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      write(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, item.dest);
  } catch (err) {
    removeQuietly(tmp);
    throw err;
  }
  return statOf(statSync(item.dest, { bigint: true }));
}

/** Replaces an already stored file in the workspace by a link to its object (hardlink/symlink re-add). */
export function relinkOne(item: MaterializeItem, params: StoreParams): HashResult {
  try {
    const stat = linkWorkspace(objectFile(params.cacheDir, item.oid), item.dest, params);
    return { oid: item.oid, stat: stat ?? statOf(statSync(item.dest, { bigint: true })) };
  } catch (err) {
    return { error: sysError(err, item.dest) };
  }
}

/** Runs one pool operation on one item (in a worker, or inline for small jobs). */
export function runFileOp(op: PoolOp, item: PoolItem, params: StoreParams | null): HashResult {
  if (op === 'hash') return hashOne(item.abs, null, item.stat);
  if (op === 'store') return hashOne(item.abs, params, item.stat);
  const m: MaterializeItem = { oid: item.oid!, dest: item.abs, exec: Boolean(item.exec) };
  return op === 'materialize' ? materializeOne(m, params!) : relinkOne(m, params!);
}

/**
 * Runs one pool operation over a batch. A store batch run inline then writes its small objects as one pack before
 * answering, so a result that says "stored" is on disk (or the batch reports the failure on every file it stored).
 * With `keepPacking` (a hash worker inside a pool run) small objects stay queued across batches and only full packs
 * are written; the pool writes the rest with `flushPacks` before it returns. A failure to write a pack then cannot be
 * pinned on the files of earlier batches: it comes back as `packError`, and the pool fails as a whole.
 */
export function runFileOps(op: PoolOp, items: PoolItem[], params: StoreParams | null, options: { keepPacking?: boolean } = {}): { results: HashResult[]; packError?: FileOpError } {
  if (op === 'store' && options.keepPacking) {
    const fullAt = params?.packTarget ?? PACK_TARGET_BYTES;
    let packError: FileOpError | null = null;
    const results = items.map((item) => {
      const r = runFileOp(op, item, params);
      // A pack closes as soon as it is full, so none holds more than one object beyond the target.
      if (!packError && queuedBytes() >= fullAt) packError = flushPacks({ fullAt });
      return r;
    });
    return packError ? { results, packError } : { results };
  }
  const results = items.map((item) => runFileOp(op, item, params));
  if (op !== 'store') return { results };
  const packError = flushPacks();
  if (packError) for (let i = 0; i < results.length; i++) if (results[i].stored) results[i] = { error: { ...packError, path: items[i].abs } };
  return { results };
}

/** Writes this thread's queued small objects as packs (with `fullAt`, only queues that big); an error record on failure. */
export function flushPacks(options: { fullAt?: number } = {}): FileOpError | null {
  try {
    flushPackBatch(options);
    return null;
  } catch (err) {
    dropPackBatch();
    return sysError(err, (err as NodeJS.ErrnoException).path ?? 'the cache\'s packs folder');
  }
}

/** Stats of many files packed in typed arrays (cheap to send between threads): per file ino, size, mode; mtime ns. */
export interface StatTable {
  nums: Float64Array;
  mtimes: BigInt64Array;
  /** Files that could not be stat'ed (vanished, no permission), by index. */
  failed: Array<{ index: number; error: FileOpError }>;
}

/** Stats `paths` (following symlinks) into a StatTable. */
export function statMany(paths: string[]): StatTable {
  const nums = new Float64Array(paths.length * 3);
  const mtimes = new BigInt64Array(paths.length);
  const failed: StatTable['failed'] = [];
  for (let i = 0; i < paths.length; i++) {
    try {
      const st = statSync(paths[i], { bigint: true });
      nums[3 * i] = Number(st.ino);
      nums[3 * i + 1] = Number(st.size);
      nums[3 * i + 2] = Number(st.mode);
      mtimes[i] = st.mtimeNs;
    } catch (err) {
      failed.push({ index: i, error: sysError(err, paths[i]) });
    }
  }
  return { nums, mtimes, failed };
}
