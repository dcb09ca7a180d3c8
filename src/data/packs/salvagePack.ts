import { promises as fs } from 'node:fs';
import { hashBuffer } from '../../core/hash.js';
import { decodeIndex, indexEntryAt, scanPack, type IndexEntry, type PackEntry } from './packFormat.js';
import { PACKS_DIR, packFile } from './packPaths.js';
import { packSetFor } from './packSet.js';
import { writePackSync } from './writePack.js';

/**
 * Copies the intact objects of a damaged pack into a new pack, before `fsck --repair` quarantines the damaged one:
 * one flipped byte then costs the one object it hit, not every object packed beside it (restic's `repair packs`
 * does the same). An object counts as intact when its bytes hash to its oid, wherever the pack's framing or its
 * index says it sits. The new pack and its index are durable before this returns. When every object was intact the
 * new pack has the damaged one's name (a pack is named by its content) and replaces it in place: `repaired`.
 */
export async function salvagePack(root: string, name: string): Promise<{ kept: number; repaired: boolean }> {
  const bytes = await fs.readFile(packFile(root, name, 'pack')).catch(() => null);
  if (!bytes) return { kept: 0, repaired: false };
  const places = new Map<string, IndexEntry>();
  try {
    for (const e of scanPack(bytes, `${PACKS_DIR}/${name}.pack`)) places.set(`${e.oid}:${e.offset}`, e);
  } catch {
    /* broken framing: the index may still place the objects */
  }
  try {
    const index = decodeIndex(await fs.readFile(packFile(root, name, 'idx')), `${PACKS_DIR}/${name}.idx`);
    for (let i = 0; i < index.count; i++) {
      const e = indexEntryAt(index, i);
      places.set(`${e.oid}:${e.offset}`, e);
    }
  } catch {
    /* no usable index: the pack's own framing placed them */
  }
  const kept = new Map<string, PackEntry>();
  for (const e of places.values()) {
    if (kept.has(e.oid) || e.offset + e.length > bytes.length) continue;
    const data = bytes.subarray(e.offset, e.offset + e.length);
    if (hashBuffer(data) === e.oid) kept.set(e.oid, { oid: e.oid, data: Buffer.from(data) });
  }
  if (kept.size === 0) return { kept: 0, repaired: false };
  const written = writePackSync(root, [...kept.values()], { durableIndex: true, replace: true });
  const set = packSetFor(root);
  set.refresh();
  set.add(written.name, written.index);
  return { kept: kept.size, repaired: written.name === name };
}
