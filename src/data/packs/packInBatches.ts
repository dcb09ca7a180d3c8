import type { ProgressSink } from '../../core/context.js';
import { hashBuffer } from '../../core/hash.js';
import type { PackEntry } from './packFormat.js';

/** What a migration to packs has done so far. */
export interface PackingTally {
  packed: number;
  packedBytes: number;
  packs: number;
  /** Objects whose bytes do not match their name: left where they are for `cairn fsck --repair`. */
  corrupt: string[];
}

/**
 * The loop shared by the migrations of a cache and of a remote: reads each object (null: skip it), checks its bytes
 * against its oid, and hands them on in packs of up to `maxBytes` to `write`, which makes a pack durable before it
 * removes any loose copy. Counts into `tally` and reports progress as each pack lands.
 */
export async function packInBatches(
  oids: readonly string[],
  options: {
    read(oid: string): Promise<Buffer | null>;
    write(batch: PackEntry[]): Promise<void>;
    maxBytes: number;
    tally: PackingTally;
    /** Called before each object, e.g. to stop on an interrupt. */
    check?(): void;
    onProgress?: ProgressSink;
  },
): Promise<void> {
  const { tally } = options;
  let batch: PackEntry[] = [];
  let bytes = 0;
  const flush = async () => {
    if (!batch.length) return;
    await options.write(batch);
    tally.packs++;
    tally.packed += batch.length;
    tally.packedBytes += bytes;
    options.onProgress?.({ phase: 'packing', done: tally.packed, total: oids.length });
    batch = [];
    bytes = 0;
  };
  for (const oid of oids) {
    options.check?.();
    const data = await options.read(oid);
    if (!data) continue;
    if (hashBuffer(data) !== oid) {
      tally.corrupt.push(oid);
      continue;
    }
    batch.push({ oid, data });
    bytes += data.length;
    if (bytes >= options.maxBytes) await flush();
  }
  await flush();
}
