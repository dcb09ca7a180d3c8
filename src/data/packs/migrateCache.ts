import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import type { RunContext } from '../../core/context.js';
import { CairnError, fromSystemError } from '../../core/errors.js';
import { ObjectStore } from '../objectStore.js';
import { layoutMarkerText, PACK_THRESHOLD, readLayout } from './cacheLayout.js';
import { packInBatches, type PackingTally } from './packInBatches.js';
import { packSetFor } from './packSet.js';
import { writePackSync } from './writePack.js';

/** A migration pack holds up to this many bytes of objects. */
const MIGRATE_PACK_BYTES = 32 << 20;

export interface MigrateResult extends PackingTally {
  from: 1 | 2;
}

/**
 * Converts a cache to layout 2 in place: small loose objects are written into packs, and each pack's loose files are
 * deleted only once that pack and its index are durable. The marker says 2 only at the end, and a layout 1 reader
 * finds packed objects anyway (loose, then packed), so a kill at any instant loses nothing and a rerun finishes.
 */
export async function migrateCache(root: string, ctx: Partial<RunContext> = {}): Promise<MigrateResult> {
  const store = new ObjectStore(root);
  const from = readLayout(root);
  const result: MigrateResult = { from, packed: 0, packedBytes: 0, packs: 0, corrupt: [] };
  const small: Array<{ oid: string; size: number }> = [];
  for await (const oid of store.listLoose()) {
    const st = await fs.stat(store.path(oid)).catch(() => null);
    if (st && st.size < PACK_THRESHOLD) small.push({ oid, size: st.size });
  }
  await packInBatches(small.map((o) => o.oid), {
    maxBytes: MIGRATE_PACK_BYTES,
    tally: result,
    onProgress: ctx.onProgress,
    check: () => {
      if (ctx.signal?.aborted) {
        throw new CairnError('INTERRUPTED', `migration interrupted after packing ${result.packed} of ${small.length} objects`, {
          hint: 'every object is intact, loose or packed; run `cairn cache migrate` again to finish',
        });
      }
    },
    read: (oid) =>
      fs.readFile(store.path(oid)).catch((err) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw fromSystemError(err, `could not read object ${oid}`);
      }),
    write: async (batch) => {
      const { name, index } = writePackSync(root, batch, { durableIndex: true });
      packSetFor(root).add(name, index);
      // The pack and its index are on disk (fsync'd): only now do the loose copies go.
      for (const e of batch) await fs.rm(store.path(e.oid), { force: true });
    },
  });
  if (from !== 2) {
    await fs.mkdir(root, { recursive: true });
    await writeFileAtomic(path.join(root, 'LAYOUT'), layoutMarkerText(2));
  }
  return result;
}
