import type { PackEntry } from '../../data/packs/packFormat.js';
import { repackEach, type RepackResult } from '../../data/packs/repackPacks.js';
import type { PackedRemote } from './packedRemote.js';
import { readAll } from './readAll.js';

/**
 * The packed half of `gc --remote`: a remote pack that is mostly garbage is downloaded, its live objects go up as a
 * new pack (pack, then index), and only then are the old index and the old pack removed; a pack of nothing but
 * garbage is removed (index first). Unindexed packs are left alone: on a remote their age is unknown, and one may be
 * a push in progress.
 */
export async function repackRemote(remote: PackedRemote, garbage: Set<string>, signal?: AbortSignal): Promise<RepackResult> {
  await remote.packs.load({ signal });
  return repackEach(await remote.packs.indexes({ signal }), garbage, {
    rewrite: async (index, live) => {
      const bytes = await readAll(await remote.inner.downloadPack(`${index.packName}.pack`, { signal }));
      const kept: PackEntry[] = live.map((e) => ({ oid: e.oid, data: bytes.subarray(e.offset, e.offset + e.length) }));
      await remote.uploadPacked(kept, { signal });
    },
    remove: async (name) => {
      await remote.inner.removePacks([`${name}.idx`], { signal });
      await remote.inner.removePacks([`${name}.pack`], { signal });
      remote.packs.forget([name]);
    },
  });
}
