import { chmodSync, closeSync, existsSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { indexEntryAt, type PackEntry } from '../../src/data/packs/packFormat.js';
import { packFile } from '../../src/data/packs/packPaths.js';
import { packSetFor } from '../../src/data/packs/packSet.js';
import { locateObject, readObjectSync, readRangeSync } from '../../src/data/packs/locateObject.js';
import { writePackSync } from '../../src/data/packs/writePack.js';
import { listPackedOids } from '../../src/data/packs/listPackedOids.js';

// Tests that damage a cache or a directory remote on purpose go through these, so they work on both layouts: an
// object is a loose file in layout 1 and usually a pack entry in layout 2.

/** Whether the store at `root` (a cache, or a directory remote) holds object `oid`, loose or packed. */
export function hasObject(root: string, oid: string): boolean {
  return locateObject(root, oid) !== null;
}

/** The stored bytes of object `oid` (loose or packed), without verifying them. */
export function objectBytes(root: string, oid: string): Buffer {
  return readObjectSync(root, oid);
}

/** Takes object `oid` out of the store: the loose file goes, or its pack is rewritten without it. */
export function removeObject(root: string, oid: string): void {
  const loc = locateObject(root, oid);
  if (!loc) throw new Error(`object ${oid} is not in ${root}`);
  if (loc.kind === 'loose') {
    rmSync(loc.file, { force: true });
    return;
  }
  const set = packSetFor(root);
  set.refresh();
  const index = set.all().find((ix) => ix.packName === loc.pack);
  if (!index) throw new Error(`pack ${loc.pack} of object ${oid} has no index in ${root}`);
  const kept: PackEntry[] = [];
  for (let i = 0; i < index.count; i++) {
    const e = indexEntryAt(index, i);
    if (e.oid !== oid) kept.push({ oid: e.oid, data: readRangeSync(loc.file, e.offset, e.length) });
  }
  if (kept.length) writePackSync(root, kept, { durableIndex: true });
  rmSync(packFile(root, loc.pack, 'idx'), { force: true });
  rmSync(packFile(root, loc.pack, 'pack'), { force: true });
  set.refresh();
}

/**
 * Overwrites the start of object `oid`'s bytes in place with `garbage` (cut to the object's size), keeping its size:
 * bit rot, which only a hash check notices. Works on a read-only loose file and inside a pack alike.
 */
export function corruptObject(root: string, oid: string, garbage = 'rot'): void {
  const loc = locateObject(root, oid);
  if (!loc) throw new Error(`object ${oid} is not in ${root}`);
  const offset = loc.kind === 'loose' ? 0 : loc.offset;
  const bytes = Buffer.from(garbage);
  const length = Math.min(bytes.length, loc.kind === 'loose' ? statSync(loc.file).size : loc.length);
  chmodSync(loc.file, 0o644);
  const fd = openSync(loc.file, 'r+');
  try {
    writeSync(fd, bytes, 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Number of pack files in the store at `root` (0 for a layout 1 store). */
export function countPacks(root: string): number {
  const dir = path.join(root, 'packs');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.pack')).length : 0;
}

/** Every object the store at `root` holds, loose or packed, as sorted distinct oids. */
export function storedOids(root: string): string[] {
  const base = path.join(root, 'objects');
  const loose = existsSync(base)
    ? readdirSync(base).filter((p) => p.length === 2).flatMap((p) => readdirSync(path.join(base, p)).filter((n) => n.length === 62).map((n) => p + n))
    : [];
  return [...new Set([...loose, ...listPackedOids(root)])].sort();
}

/** The cache of the cairn repo at `repoDir` (the default `.cairn/cache`). */
export const repoCache = (repoDir: string): string => path.join(repoDir, '.cairn', 'cache');
