import type { RunContext } from '../../core/context.js';
import { CairnError } from '../../core/errors.js';
import { PACK_THRESHOLD } from '../../data/packs/cacheLayout.js';
import { packInBatches, type PackingTally } from '../../data/packs/packInBatches.js';
import type { Remote } from '../remote.js';
import { PackedRemote, REMOTE_PACK_BYTES } from './packedRemote.js';
import { readRemoteLayout, writeRemoteLayout } from './remoteLayout.js';

export interface RemoteMigrateResult extends PackingTally {
  remote: string;
  from: 1 | 2;
  /** Loose objects removed because a pack holds them now (on a rerun, also those packed by the killed run). */
  removed: number;
}

/** The object's bytes when it is smaller than the pack threshold; null for a larger one (read no further than that). */
async function readIfSmall(remote: Remote, oid: string, signal?: AbortSignal): Promise<Buffer | null> {
  const stream = await remote.download(oid, { signal });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size >= PACK_THRESHOLD) {
      stream.destroy();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Converts a remote to layout 2 in place: its small loose objects are uploaded as packs (pack, then index), then the
 * marker `meta/LAYOUT` says 2, and only then are the loose copies removed. Clients of either layout find every object
 * at every instant, and a rerun after a kill packs what is left and removes what is packed.
 */
export async function migrateRemote(base: Remote, cacheDir: string, ctx: Partial<RunContext> = {}): Promise<RemoteMigrateResult> {
  if (base.readOnly) throw new CairnError('PERMISSION', `remote "${base.name}" (${base.displayUrl}) is read-only`, { hint: 'migrate it where it is writable' });
  const signal = ctx.signal;
  const from = await readRemoteLayout(base, { signal });
  const remote = base instanceof PackedRemote ? base : new PackedRemote(base, cacheDir);
  const result: RemoteMigrateResult = { remote: base.name, from, packed: 0, packedBytes: 0, packs: 0, removed: 0, corrupt: [] };
  const packedAlready = await remote.packs.oids({ signal });
  const loose: string[] = [];
  for await (const oid of remote.inner.list({ signal })) loose.push(oid);
  const done: string[] = loose.filter((oid) => packedAlready.has(oid));
  await packInBatches(loose.filter((o) => !packedAlready.has(o)), {
    maxBytes: REMOTE_PACK_BYTES,
    tally: result,
    onProgress: ctx.onProgress,
    read: (oid) => readIfSmall(remote.inner, oid, signal),
    write: async (batch) => {
      await remote.uploadPacked(batch, { signal });
      done.push(...batch.map((e) => e.oid));
    },
  });
  // Clients see packs only on a layout 2 remote: the marker goes up before any loose copy goes away.
  if (from !== 2) await writeRemoteLayout(base, 2, { signal });
  for (let i = 0; i < done.length; i += 1000) await remote.inner.remove(done.slice(i, i + 1000), { signal });
  result.removed = done.length;
  return result;
}
