import { Transform } from 'node:stream';
import { CairnError, fromSystemError, isCairnError } from '../core/errors.js';
import type { ObjectStore } from '../data/objectStore.js';
import { parseTree } from '../data/tree.js';
import { copyLargeObject, copySmallObjects, objectsInCache, SMALL_OBJECT } from './localFetch.js';
import { downloadChunked } from './chunkedTransfer.js';
import { MIN_CHUNKED_SIZE } from '../data/chunks/chunkedManifest.js';
import { LocalRemote } from './localRemote.js';
import { fetchFromPacks } from './packs/fetchFromPacks.js';
import { PackedRemote } from './packs/packedRemote.js';
import { backendOf } from './packs/withPacks.js';
import type { Remote } from './remote.js';
import {
  failureCollector, isTransientDeep, makeProgress, retrying, runPool, type TransferItem, type TransferOptions, type TransferResult,
} from './transfer.js';

interface Blob {
  oid: string;
  size: number;
  label: string;
}

/**
 * Streams one object from the remote into the cache. ObjectStore.putStream hashes the bytes on the way and gives
 * them their final name only when they match the oid, so a corrupt or truncated object never enters the cache.
 */
async function fetchOne(store: ObjectStore, remote: Remote, oid: string, label: string, options: TransferOptions, onBytes?: (n: number) => void): Promise<number> {
  return retrying(async () => {
    const body = await remote.download(oid, { signal: options.ctx.signal });
    // Count bytes in a pass-through: a 'data' listener on the body itself would start it flowing before the store reads it.
    const stream = onBytes
      ? body.pipe(new Transform({ transform(chunk: Buffer, _enc, done) { onBytes(chunk.length); done(null, chunk); } }))
      : body;
    if (stream !== body) body.on('error', (err) => stream.destroy(err));
    try {
      return (await store.putStream(stream, oid, `${label} (object ${oid}) from remote "${remote.name}"`)).size;
    } catch (err) {
      if (isCairnError(err) && err.code === 'INTEGRITY') throw err;
      if (isTransientDeep(err)) {
        throw new CairnError('REMOTE', `the download of ${label} from remote "${remote.name}" (${remote.displayUrl}) was cut off: ${(err as Error).message}`, {
          hint: 'check the connection; run the command again to fetch what is still missing', cause: err, data: { transient: true },
        });
      }
      throw err;
    }
  }, `download of ${label}`, options);
}

/** Fetches the objects behind `items` that the cache lacks, trees first (to learn their files), each one verified. */
export async function downloadItems(store: ObjectStore, remote: Remote, items: TransferItem[], options: TransferOptions): Promise<TransferResult> {
  const { ctx } = options;
  const { failed, failedOids, fail } = failureCollector();
  await store.ensureLayout();

  // Trees first: a directory's files are known only from its tree object.
  const dirItems = items.filter((i) => i.kind === 'dir');
  const treeOids = [...new Set(dirItems.map((i) => i.oid))];
  const localTrees = await store.hasMany(treeOids);
  const toFetch = treeOids.filter((oid) => !localTrees.has(oid));
  ctx.onProgress?.({ phase: 'fetching trees', done: 0, total: toFetch.length });
  const labelOf = new Map(dirItems.map((i) => [i.oid, i.label]));
  await runPool(toFetch, options.jobs, async (oid) => {
    try {
      await fetchOne(store, remote, oid, labelOf.get(oid)!, options);
    } catch (err) {
      fail(labelOf.get(oid)!, oid, err);
    }
  }, ctx.signal);

  const blobs = new Map<string, Blob>();
  const dirBlobs = new Map<TransferItem, string[]>();
  for (const item of items) {
    if (failedOids.has(item.oid)) continue;
    if (item.kind === 'file') {
      if (!blobs.has(item.oid)) blobs.set(item.oid, { oid: item.oid, size: item.size ?? 0, label: item.label });
      continue;
    }
    try {
      const tree = parseTree(await store.read(item.oid), `${item.oid} (${item.label})`);
      for (const e of tree.entries) if (!blobs.has(e.oid)) blobs.set(e.oid, { oid: e.oid, size: e.size, label: `${item.label}/${e.path}` });
      dirBlobs.set(item, tree.entries.map((e) => e.oid));
    } catch (err) {
      fail(item.label, item.oid, err);
    }
  }

  const local = await objectsInCache(store, blobs.keys());
  const missing = [...blobs.values()].filter((b) => !local.has(b.oid));
  const totalBytes = missing.reduce((sum, b) => sum + b.size, 0);
  const progress = makeProgress(ctx, 'downloading', missing.length, totalBytes);
  let transferred = 0;
  let bytes = 0;
  const fetched = (size: number) => {
    transferred++;
    bytes += size;
    progress.file(0);
  };
  // A file the remote lacks whole may be there chunked: those are fetched after the whole objects (downloadChunked).
  const notWhole = new Map<string, { blob: Blob; err: unknown }>();
  const failBlob = (label: string, oid: string, err: unknown) => {
    const blob = blobs.get(oid);
    if (blob && blob.size > MIN_CHUNKED_SIZE && isCairnError(err) && err.code === 'NOT_FOUND') notWhole.set(oid, { blob, err });
    else fail(label, oid, err);
  };
  const slow = async (blob: Blob) => {
    let seen = 0;
    try {
      fetched(await fetchOne(store, remote, blob.oid, blob.label, options, (n) => {
        seen += n;
        progress.bytes(n);
      }));
    } catch (err) {
      progress.bytes(-seen);
      failBlob(blob.label, blob.oid, err);
    }
  };
  // Layout 2 remote: packed objects by ranged reads or whole packs; the rest as below.
  const rest = remote instanceof PackedRemote ? await fetchFromPacks(store, remote, missing, options, { fetched, fail: failBlob }) : missing;
  const backend = backendOf(remote);
  if (backend instanceof LocalRemote) {
    await fetchLocal(store, backend, rest, options, progress, fetched, slow, failBlob);
  } else {
    await runPool(rest, options.jobs, slow, ctx.signal);
  }
  const moved = await downloadChunked(store, remote, [...notWhole.values()].map((v) => v.blob), options, {
    fetch: (oid, label) => fetchOne(store, remote, oid, label, options, (n) => progress.bytes(n)),
    fail,
    notFound: (blob) => notWhole.get(blob.oid)!.err,
  });
  transferred += moved.transferred;
  bytes += moved.bytes;
  progress.finish();

  const complete = items.filter((item) => {
    if (failedOids.has(item.oid)) return false;
    if (item.kind === 'file') return true;
    const list = dirBlobs.get(item);
    return list !== undefined && list.every((oid) => !failedOids.has(oid));
  });
  return { transferred, bytes, present: blobs.size - missing.length, failed, complete };
}

/**
 * A local-directory remote skips streams: small objects are copied with synchronous whole-file reads and writes
 * (per-file streams and promises cost more than 4 KiB of bytes), large ones by the kernel and then hashed. Both verify
 * against the oid before the final rename. An object that fails for any reason other than missing or corrupt goes
 * the streaming way, which has the retries.
 */
async function fetchLocal(
  store: ObjectStore, remote: LocalRemote, missing: Blob[], options: TransferOptions, progress: ReturnType<typeof makeProgress>,
  fetched: (size: number) => void, slow: (blob: Blob) => Promise<void>, fail: (label: string, oid: string, err: unknown) => void,
): Promise<void> {
  const { signal } = options.ctx;
  const small = missing.filter((b) => b.size <= SMALL_OBJECT);
  const large = missing.filter((b) => b.size > SMALL_OBJECT);
  const retry: Blob[] = [];
  await copySmallObjects(remote, store, small, signal, (_blob, size) => {
    progress.bytes(size);
    fetched(size);
  }, (blob, err) => {
    if (isCairnError(err) && (err.code === 'NOT_FOUND' || err.code === 'INTEGRITY')) fail(blob.label, blob.oid, err);
    else retry.push(blob as Blob);
  });
  await runPool(large, options.jobs, async (blob) => {
    let seen = 0;
    try {
      fetched(await retrying(async () => {
        try {
          return await copyLargeObject(remote, store, blob, (n) => {
            seen += n;
            progress.bytes(n);
          }, signal);
        } catch (err) {
          progress.bytes(-seen);
          seen = 0;
          throw isCairnError(err) ? err : fromSystemError(err, `could not store ${blob.label} (object ${blob.oid}) in ${store.root}`);
        }
      }, `download of ${blob.label}`, options));
    } catch (err) {
      fail(blob.label, blob.oid, err);
    }
  }, signal);
  await runPool(retry, options.jobs, slow, signal);
}
