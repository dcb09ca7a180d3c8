import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { decodeIndex, encodeIndex, encodePack, type PackEntry, type PackIndex } from './packFormat.js';
import { PACKS_DIR, packFile } from './packPaths.js';
import { fsyncPathSync } from '../../core/fsyncPath.js';

let counter = 0;

/** Writes `data` under `final` through a temp name and a rename (fsync'd first with `durable`). Synchronous, for the hash workers. */
function writeRenamed(final: string, data: Buffer, durable: boolean): void {
  const tmp = path.join(path.dirname(final), `.${path.basename(final).slice(0, 16)}.tmp-${process.pid}-${threadId}-${counter++}`);
  const fd = openSync(tmp, 'wx', 0o444);
  try {
    try {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw err;
  }
}


/**
 * Writes a pack and then its index into `<root>/packs/`: the pack's bytes and its name are on disk (fsync of the file,
 * then of the folder) before its index appears, so a kill or a power cut at any instant leaves at worst a pack
 * without an index (which fsck lists and gc removes), never an index naming missing bytes. The index itself is not
 * fsync'd: one torn by a power cut fails its checksum and is ignored, and the caller's flush of the cache (before any
 * pointer names these objects) makes it durable. With `durableIndex` (callers that delete other copies next: migrate,
 * repack) the index is fsync'd too. Returns the pack's name and parsed index.
 */
export function writePackSync(root: string, entries: PackEntry[], options: { durableIndex?: boolean; replace?: boolean } = {}): { name: string; index: PackIndex } {
  const dir = path.join(root, PACKS_DIR);
  mkdirSync(dir, { recursive: true });
  const pack = encodePack(entries);
  const idxBytes = encodeIndex(pack.name, pack.index);
  const packPath = packFile(root, pack.name, 'pack');
  const idxPath = packFile(root, pack.name, 'idx');
  // Same name, same bytes: another writer made this very pack already.
  // `replace` (fsck's salvage) rewrites a pack of this name that is on disk but damaged.
  if (options.replace || !existsSync(packPath)) writeRenamed(packPath, pack.bytes, true);
  if (options.replace || !existsSync(idxPath)) {
    fsyncPathSync(dir);
    writeRenamed(idxPath, idxBytes, options.durableIndex === true);
    if (options.durableIndex) fsyncPathSync(dir);
  }
  return { name: pack.name, index: decodeIndex(idxBytes, idxPath) };
}
