import type { PackEntry } from '../../data/packs/packFormat.js';
import { indexEntries, planRepack, type RepackResult } from '../../data/packs/repackPacks.js';
import type { PackedRemote } from './packedRemote.js';

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The packed half of `gc --remote`: a remote pack that is mostly garbage is downloaded, its live objects go up as a
 * new pack (pack, then index), and only then are the old index and the old pack removed; a pack of nothing but
 * garbage is removed (index first). Unindexed packs are left alone: on a remote their age is unknown, and one may be
 * a push in progress.
 */
export async function repackRemote(remote: PackedRemote, garbage: Set<string>, signal?: AbortSignal): Promise<RepackResult> {
  const out: RepackResult = { rewritten: 0, deleted: 0, dropped: 0, droppedBytes: 0, keptGarbage: 0 };
  await remote.packs.load({ signal });
  for (const index of await remote.packs.indexes({ signal })) {
    const plan = planRepack(indexEntries(index), garbage);
    if (plan.action === 'none') continue;
    if (plan.action === 'keep') {
      out.keptGarbage += plan.dead;
      continue;
    }
    const live = plan.live;
    if (live.length) {
      const bytes = await readAll(await remote.inner.downloadPack(`${index.packName}.pack`, { signal }));
      const kept: PackEntry[] = live.map((e) => ({ oid: e.oid, data: bytes.subarray(e.offset, e.offset + e.length) }));
      await remote.uploadPacked(kept, { signal });
      out.rewritten++;
    } else {
      out.deleted++;
    }
    await remote.inner.removePacks([`${index.packName}.idx`], { signal });
    await remote.inner.removePacks([`${index.packName}.pack`], { signal });
    remote.packs.forget([index.packName]);
    out.dropped += plan.dead;
    out.droppedBytes += plan.deadBytes;
  }
  return out;
}
