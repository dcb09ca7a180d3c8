import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { decodeIndex, encodeIndex, encodePack, type PackEntry, type PackIndex } from './packFormat.js';
import { PACKS_DIR, packFile } from './packPaths.js';

let counter = 0;

/** Writes `data` under `final` durably: temp name, fsync, rename. Synchronous, for the hash workers. */
function writeDurably(final: string, data: Buffer): void {
  const tmp = path.join(path.dirname(final), `.${path.basename(final).slice(0, 16)}.tmp-${process.pid}-${threadId}-${counter++}`);
  const fd = openSync(tmp, 'wx', 0o444);
  try {
    try {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
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

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a pack and then its index into `<root>/packs/`, each durable before the next step: the pack's bytes reach
 * the disk before any index names them, so a kill at any instant leaves at worst a pack without an index (which
 * fsck reports and gc removes), never an index naming missing bytes. Returns the pack's name and parsed index.
 */
export function writePackSync(root: string, entries: PackEntry[]): { name: string; index: PackIndex } {
  const dir = path.join(root, PACKS_DIR);
  mkdirSync(dir, { recursive: true });
  const pack = encodePack(entries);
  const idxBytes = encodeIndex(pack.name, pack.index);
  const packPath = packFile(root, pack.name, 'pack');
  const idxPath = packFile(root, pack.name, 'idx');
  // Same name, same bytes: another writer made this very pack already.
  if (!existsSync(packPath)) writeDurably(packPath, pack.bytes);
  if (!existsSync(idxPath)) {
    fsyncDir(dir);
    writeDurably(idxPath, idxBytes);
    fsyncDir(dir);
  }
  return { name: pack.name, index: decodeIndex(idxBytes, idxPath) };
}
