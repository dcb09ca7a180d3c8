import { CairnError } from '../../core/errors.js';
import { hashBuffer } from '../../core/hash.js';
import type { ObjectStore } from '../../data/objectStore.js';
import { PACK_THRESHOLD, readLayout } from '../../data/packs/cacheLayout.js';
import { indexEntryAt, type PackEntry } from '../../data/packs/packFormat.js';
import type { PackedLocation } from '../../data/packs/packSet.js';
import { packSetFor } from '../../data/packs/packSet.js';
import { writePackSync } from '../../data/packs/writePack.js';
import { forEachLimit } from '../forEachLimit.js';
import { readAll } from './readAll.js';
import { retrying, runPool, type TransferOptions } from '../transfer.js';
import type { PackedRemote } from './packedRemote.js';

interface Blob {
  oid: string;
  size: number;
  label: string;
}

/** Fewer wanted objects than this from one pack, or under half its objects and bytes: ranged reads; else the whole pack. */
const WHOLE_PACK_MIN_OBJECTS = 8;


/**
 * Fetches the blobs a layout 2 remote holds in packs: per pack either one ranged read per object (a few objects, as
 * a single-file pull) or one download of the whole pack (most of it wanted). Every object is verified against its
 * oid before it is stored; a layout 2 cache stores the small ones as one new pack per remote pack. Returns the
 * blobs that are not packed on the remote, for the caller's per-object path.
 */
export async function fetchFromPacks(
  store: ObjectStore, remote: PackedRemote, blobs: Blob[], options: TransferOptions,
  report: { fetched: (size: number) => void; fail: (label: string, oid: string, err: unknown) => void },
): Promise<Blob[]> {
  const signal = options.ctx.signal;
  const byPack = new Map<string, Array<{ blob: Blob; loc: PackedLocation }>>();
  const rest: Blob[] = [];
  for (const blob of blobs) {
    const loc = await remote.packs.lookup(blob.oid, { signal });
    if (!loc) rest.push(blob);
    else byPack.set(loc.file, [...(byPack.get(loc.file) ?? []), { blob, loc }]);
  }
  if (!byPack.size) return rest;
  const packSize = new Map<string, { bytes: number; count: number }>();
  for (const index of await remote.packs.indexes({ signal })) {
    let end = 0;
    for (let i = 0; i < index.count; i++) {
      const e = indexEntryAt(index, i);
      end = Math.max(end, e.offset + e.length);
    }
    packSize.set(`${index.packName}.pack`, { bytes: end + 32, count: index.count });
  }
  const packLocally = readLayout(store.root) === 2;
  await runPool([...byPack.entries()], Math.min(options.jobs, 8), async ([file, wanted]) => {
    const got: Array<{ blob: Blob; bytes: Buffer }> = [];
    const wantedBytes = wanted.reduce((n, w) => n + w.loc.length, 0);
    const size = packSize.get(file) ?? { bytes: Infinity, count: Infinity };
    if (wanted.length >= WHOLE_PACK_MIN_OBJECTS && (wantedBytes * 2 >= size.bytes || wanted.length * 2 >= size.count)) {
      options.ctx.onLog?.('debug', `pack ${file} of remote "${remote.name}": ${wanted.length} object(s) in one download of the whole pack`);
      const pack = await retrying(async () => readAll(await remote.downloadPack(file, { signal })), `download of pack ${file}`, options);
      for (const w of wanted) got.push({ blob: w.blob, bytes: pack.subarray(w.loc.offset, w.loc.offset + w.loc.length) });
    } else {
      options.ctx.onLog?.('debug', `pack ${file} of remote "${remote.name}": ${wanted.length} object(s) by ranged reads`);
      await forEachLimit(wanted, 8, async (w) => {
        try {
          got.push({ blob: w.blob, bytes: await retrying(async () => readAll(await remote.download(w.blob.oid, { signal })), `download of ${w.blob.label}`, options) });
        } catch (err) {
          report.fail(w.blob.label, w.blob.oid, err);
        }
      });
    }
    const toPack: PackEntry[] = [];
    for (const { blob, bytes } of got) {
      const oid = hashBuffer(bytes);
      if (oid !== blob.oid) {
        report.fail(blob.label, blob.oid, new CairnError('INTEGRITY', `${blob.label} in pack ${file} of remote "${remote.name}" does not match its object id (got ${oid})`, {
          hint: `it was not stored; repair remote "${remote.name}" by pushing from a clone that has a good copy`,
        }));
        continue;
      }
      if (packLocally && bytes.length < PACK_THRESHOLD) toPack.push({ oid, data: bytes });
      else await store.putBuffer(bytes);
      report.fetched(bytes.length);
    }
    if (toPack.length) {
      const { name, index } = writePackSync(store.root, toPack);
      packSetFor(store.root).add(name, index);
    }
  }, signal);
  return rest;
}
