import { CairnError, isCairnError } from '../core/errors.js';
import type { ObjectStore } from '../data/objectStore.js';
import { parseTree } from '../data/tree.js';
import { isChunkedLocally, uploadChunked } from './chunkedTransfer.js';
import { uploadableFile } from './packs/extractObject.js';
import { PackedRemote } from './packs/packedRemote.js';
import { uploadPackedBlobs } from './packs/uploadPackedBlobs.js';
import { adoptCacheLayout } from './packs/withPacks.js';
import { PACK_THRESHOLD } from '../data/packs/cacheLayout.js';
import type { Remote } from './remote.js';
import {
  failureCollector, isPerObjectFailure, makeProgress, retrying, runPool, type TransferItem, type TransferOptions, type TransferResult,
} from './transfer.js';

interface Blob {
  oid: string;
  size: number;
  label: string;
}

/**
 * Sends the objects behind `items` that the remote lacks. Existence is asked in batches; a directory whose tree
 * object is already on the remote is complete there (trees go up only after all their blobs), so its files are not
 * even listed — which makes a push with nothing to send cost one check per tracked path.
 */
export async function uploadItems(store: ObjectStore, target: Remote, items: TransferItem[], options: TransferOptions): Promise<TransferResult> {
  const { ctx } = options;
  const remote = await adoptCacheLayout(target, store.root, { signal: ctx.signal });
  const { failed, failedOids, fail } = failureCollector();
  // Objects the remote has, counted once each as transfers count them (two paths with the same bytes share an object).
  const presentOids = new Set<string>();
  let presentUnlisted = 0;
  const complete: TransferItem[] = [];

  ctx.onProgress?.({ phase: 'checking remote', done: 0, total: items.length });
  const top = await remote.exists([...new Set(items.map((i) => i.oid))], { signal: ctx.signal });
  const dirs: Array<{ item: TransferItem; blobs: string[]; bytes: Buffer }> = [];
  const blobs = new Map<string, Blob>();
  for (const item of items) {
    if (top.has(item.oid)) {
      if (item.kind === 'file') presentOids.add(item.oid);
      else {
        // Listing the local tree costs no remote call; without it (a tree not in the cache) count its files.
        const entries = await store.read(item.oid).then((b) => parseTree(b, item.label).entries, () => undefined);
        if (entries) for (const e of entries) presentOids.add(e.oid);
        else presentUnlisted += item.files ?? 1;
      }
      complete.push(item);
      continue;
    }
    if (item.kind === 'file') {
      if (!blobs.has(item.oid)) blobs.set(item.oid, { oid: item.oid, size: item.size ?? -1, label: item.label });
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await store.read(item.oid);
      const tree = parseTree(bytes, `${item.oid} (${item.label})`);
      for (const e of tree.entries) if (!blobs.has(e.oid)) blobs.set(e.oid, { oid: e.oid, size: e.size, label: `${item.label}/${e.path}` });
      dirs.push({ item, blobs: tree.entries.map((e) => e.oid), bytes });
    } catch (err) {
      fail(item.label, item.oid, err);
    }
  }

  // Files that are on the remote already (as a single file or inside another directory) need no upload.
  const alreadyTop = [...blobs.keys()].filter((oid) => top.has(oid));
  const unknown = [...blobs.keys()].filter((oid) => !top.has(oid));
  const there = unknown.length ? await existsOn(remote, unknown.map((oid) => blobs.get(oid)!), ctx.signal) : new Set<string>();
  const notThere = unknown.filter((oid) => !there.has(oid)).map((oid) => blobs.get(oid)!);
  // Files stored chunked go up as their missing chunks and a manifest (uploadChunked, after the whole objects).
  const chunked = notThere.filter((b) => isChunkedLocally(store, b));
  const chunkedSet = new Set(chunked);
  const missing = notThere.filter((b) => !chunkedSet.has(b));
  for (const oid of [...alreadyTop, ...there]) presentOids.add(oid);
  const totalBytes = missing.reduce((sum, b) => sum + Math.max(0, b.size), 0);
  const progress = makeProgress(ctx, 'uploading', missing.length, totalBytes);
  let transferred = 0;
  let bytesSent = 0;

  // Layout 2 remote: small objects go up in packs, a few requests for thousands of objects.
  const packable = remote instanceof PackedRemote ? missing.filter((b) => b.size >= 0 && b.size < PACK_THRESHOLD) : [];
  if (packable.length) {
    await uploadPackedBlobs(store, remote as PackedRemote, packable, options, {
      fail: (label, oid) => fail(label, oid, new CairnError('NOT_FOUND', `object ${oid} of ${label} is not in the local cache`)),
      sent: (count, size) => {
        transferred += count;
        bytesSent += size;
        for (let i = 0; i < count; i++) progress.file(i === 0 ? size : 0);
      },
    });
  }
  const packed = new Set(packable.map((b) => b.oid));
  await runPool(missing.filter((b) => !packed.has(b.oid)), options.jobs, async (blob) => {
    // A packed object of a layout 2 cache going to a layout 1 remote goes through a temp file of its own.
    const local = await uploadableFile(store, blob.oid);
    if (!local) {
      fail(blob.label, blob.oid, new CairnError('NOT_FOUND', `object ${blob.oid} of ${blob.label} is not in the local cache`));
      return;
    }
    const { file, size, cleanup } = local;
    let sent = 0;
    await retrying(async () => {
      progress.bytes(-sent);
      sent = 0;
      await remote.upload(blob.oid, file, size, {
        signal: ctx.signal,
        onBytes: (n) => {
          progress.bytes(n - sent);
          sent = n;
        },
      });
    }, `upload of ${blob.label}`, options).finally(cleanup);
    transferred++;
    bytesSent += size;
    progress.file(size - sent);
  }, ctx.signal);
  const moved = await uploadChunked(store, remote, chunked, options, { fail, onBytes: (n) => progress.bytes(n) });
  transferred += moved.transferred;
  bytesSent += moved.bytes;
  for (const oid of moved.present) presentOids.add(oid);
  progress.finish();

  // A tree goes up only when every blob it lists is on the remote: a tree there means the directory is whole.
  const readyDirs = dirs.filter((d) => d.blobs.every((oid) => !failedOids.has(oid)));
  for (const d of dirs) if (!readyDirs.includes(d)) fail(d.item.label, d.item.oid, new CairnError('NOT_FOUND', 'some of its files could not be pushed, so the directory was not completed on the remote'));
  await runPool(readyDirs, options.jobs, async (d) => {
    await retrying(() => remote.upload(d.item.oid, store.path(d.item.oid), d.bytes.length, { signal: ctx.signal }), `upload of ${d.item.label}`, options);
    complete.push(d.item);
  }, ctx.signal);
  for (const item of items) {
    if (item.kind === 'file' && !top.has(item.oid) && !failedOids.has(item.oid)) complete.push(item);
  }
  return { transferred, bytes: bytesSent, present: presentOids.size + presentUnlisted, failed, complete };
}

/**
 * Which blobs the remote has. On a layout 2 remote a small blob is asked of the pack index only (no request): it would
 * be pushed into a pack, and a copy that is loose there already (pushed by an older cairn) is merely packed again.
 */
async function existsOn(remote: Remote, blobs: Blob[], signal?: AbortSignal): Promise<Set<string>> {
  if (!(remote instanceof PackedRemote)) return remote.exists(blobs.map((b) => b.oid), { signal });
  const small = blobs.filter((b) => b.size >= 0 && b.size < PACK_THRESHOLD);
  const found = await remote.packedOf(small.map((b) => b.oid), { signal });
  const rest = blobs.filter((b) => !(b.size >= 0 && b.size < PACK_THRESHOLD)).map((b) => b.oid);
  for (const oid of rest.length ? await remote.exists(rest, { signal }) : []) found.add(oid);
  return found;
}

/** Whether an error from a transfer is a fatal one (the whole push stopped) rather than a per-object failure. */
export function isFatalTransferError(err: unknown): boolean {
  return isCairnError(err) && !isPerObjectFailure(err);
}
