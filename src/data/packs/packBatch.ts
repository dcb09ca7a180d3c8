import { existsSync } from 'node:fs';
import { objectPath } from '../objectPath.js';
import type { PackEntry } from './packFormat.js';
import { packSetFor } from './packSet.js';
import { writePackSync } from './writePack.js';

/**
 * Small objects waiting to be packed, per thread: a hash worker adds the small files of one batch here and writes
 * them as one pack before it answers for the batch (`flushPackBatch`), so a result saying "stored" is durable.
 */
const pending = new Map<string, Map<string, PackEntry>>();

/** Queues object `oid` for the next pack unless the store has it (loose or packed) or it is already queued. */
export function queuePacked(root: string, oid: string, data: Uint8Array): boolean {
  let queue = pending.get(root);
  if (queue?.has(oid)) return false;
  // A pack index a moment stale only risks a duplicate copy in a second pack, which a repack drops.
  if (packSetFor(root).lookup(oid) || existsSync(objectPath(root, oid))) return false;
  if (!queue) pending.set(root, (queue = new Map()));
  queue.set(oid, { oid, data });
  return true;
}

/** Writes every queued object of this thread as one pack per store; returns how many objects were written. */
export function flushPackBatch(): number {
  let written = 0;
  for (const [root, queue] of pending) {
    pending.delete(root);
    if (queue.size === 0) continue;
    const { name, index } = writePackSync(root, [...queue.values()]);
    packSetFor(root).add(name, index);
    written += queue.size;
  }
  return written;
}

/** Forgets queued objects after a failure, so they are never reported stored. */
export function dropPackBatch(): void {
  pending.clear();
}
