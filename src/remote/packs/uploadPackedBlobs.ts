import type { ObjectStore } from '../../data/objectStore.js';
import type { PackEntry } from '../../data/packs/packFormat.js';
import { retrying, runPool, type TransferOptions } from '../transfer.js';
import { groupBySize, type PackedRemote } from './packedRemote.js';

interface Blob {
  oid: string;
  size: number;
  label: string;
}

/**
 * Push of small objects to a layout 2 remote: read from the cache a pack's worth at a time, and send each group as one
 * pack (two requests) instead of one request per object. A blob the cache lacks is reported through `fail` and left
 * out; the rest of its group still goes.
 */
export async function uploadPackedBlobs(
  store: ObjectStore, remote: PackedRemote, blobs: Blob[], options: TransferOptions,
  report: { fail: (label: string, oid: string, err: unknown) => void; sent: (count: number, bytes: number) => void },
): Promise<void> {
  await runPool(groupBySize(blobs), Math.min(options.jobs, 8), async (group) => {
    const entries: PackEntry[] = [];
    for (const blob of group) {
      try {
        entries.push({ oid: blob.oid, data: await store.read(blob.oid) });
      } catch (err) {
        report.fail(blob.label, blob.oid, err);
      }
    }
    if (!entries.length) return;
    await retrying(() => remote.uploadPacked(entries, { signal: options.ctx.signal }), `upload of a pack of ${entries.length} objects`, options);
    report.sent(entries.length, entries.reduce((n, e) => n + e.data.length, 0));
  }, options.ctx.signal);
}
