import type { PackEntry } from './packFormat.js';
import { packSetFor } from './packSet.js';
import { writePackSync } from './writePack.js';

/**
 * A hash worker writes a pack once this many bytes are queued (restic's default pack size): big enough that the fsync each
 * pack needs is paid rarely (100,000 files of 1 KiB make about 8 packs, not 200), small enough for a ranged read and a
 * cheap repack.
 */
export const PACK_TARGET_BYTES = 16 << 20;

/**
 * Small objects waiting to be packed, per thread and store. A hash worker keeps queueing across the batches of one
 * pool run, writes a pack whenever `PACK_TARGET_BYTES` are queued, and writes the rest when the pool ends the run
 * (`flushPackBatch`); the pool resolves only after that, so a result saying "stored" is durable by then.
 */
const pending = new Map<string, { entries: Map<string, PackEntry>; bytes: number; durable: boolean }>();

/**
 * Queues object `oid` for the next pack unless a pack of the store has it or it is already queued. The caller has
 * checked for a loose copy (it knows whether a listing of the cache is at hand).
 */
export function queuePacked(root: string, oid: string, data: Uint8Array, durable = false): boolean {
  let queue = pending.get(root);
  if (queue?.entries.has(oid)) return false;
  // A pack index a moment stale only risks a duplicate copy in a second pack, which a repack drops.
  if (packSetFor(root).lookup(oid)) return false;
  if (!queue) pending.set(root, (queue = { entries: new Map(), bytes: 0, durable }));
  queue.durable ||= durable;
  queue.entries.set(oid, { oid, data });
  queue.bytes += data.length;
  return true;
}

/**
 * Writes queued objects of this thread as one pack per store: all of them, or with `fullAt` only the queues holding
 * at least that many bytes. Returns how many objects were written. On a failure the failed queue is dropped, so its
 * objects are never reported stored, and the error is thrown.
 */
export function flushPackBatch(options: { fullAt?: number } = {}): number {
  let written = 0;
  for (const [root, queue] of pending) {
    if (options.fullAt !== undefined && queue.bytes < options.fullAt) continue;
    pending.delete(root);
    if (queue.entries.size === 0) continue;
    const { name, index } = writePackSync(root, [...queue.entries.values()], { durableIndex: queue.durable });
    packSetFor(root).add(name, index);
    written += queue.entries.size;
  }
  return written;
}

/** Bytes queued on this thread for the fullest store's next pack. */
export function queuedBytes(): number {
  let most = 0;
  for (const queue of pending.values()) most = Math.max(most, queue.bytes);
  return most;
}

/** Forgets queued objects after a failure, so they are never reported stored. */
export function dropPackBatch(): void {
  pending.clear();
}
