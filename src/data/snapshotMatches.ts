import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeSnapshot, FLAG_EXEC, FLAG_READ_ONLY, type StatSnapshot } from './statSnapshot.js';

const S_IFMT = 0o170000n;
const S_IFREG = 0o100000n;
const S_IFDIR = 0o040000n;

const under = (base: string, rel: string) => (rel ? base + path.sep + rel : base);

/** Whether every folder of the snapshot still has the inode and mtime it had (so no entry came, went or was renamed). */
export function dirsMatch(base: string, snap: StatSnapshot): boolean {
  for (let i = 0; i < snap.dirs.length; i++) {
    const st = statSync(under(base, snap.dirs[i]), { bigint: true, throwIfNoEntry: false });
    if (!st || (st.mode & S_IFMT) !== S_IFDIR || st.ino !== snap.dirStats[2 * i] || st.mtimeNs !== snap.dirStats[2 * i + 1]) return false;
  }
  return true;
}

/** Whether files [from, to) of the snapshot still have their inode, size, mtime and mode bits. */
export function filesMatch(base: string, snap: StatSnapshot, from: number, to: number): boolean {
  const { files, fileStats, fileFlags } = snap;
  for (let i = from; i < to; i++) {
    // Followed like the workspace walk follows links into the cache (the symlink link mode).
    const st = statSync(under(base, files[i]), { bigint: true, throwIfNoEntry: false });
    if (!st || (st.mode & S_IFMT) !== S_IFREG) return false;
    if (st.ino !== fileStats[3 * i] || st.size !== fileStats[3 * i + 1] || st.mtimeNs !== fileStats[3 * i + 2]) return false;
    const flags = ((st.mode & 0o111n) !== 0n ? FLAG_EXEC : 0) | ((st.mode & 0o222n) === 0n ? FLAG_READ_ONLY : 0);
    if (flags !== fileFlags[i]) return false;
  }
  return true;
}

/** Reads and decodes a snapshot file; null when there is none or it is unreadable. */
export function readSnapshotFile(file: string): StatSnapshot | null {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return null;
  }
  return decodeSnapshot(buf);
}
