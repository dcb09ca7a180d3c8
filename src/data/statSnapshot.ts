/**
 * A stat snapshot of one tracked folder, in one file, as Git keeps its index: the stat data of every file and folder
 * at a moment the folder matched its pointer. `cairn status` compares the disk with it without listing folders,
 * opening the state index or building a listing — one stat per entry, nothing else. Pure: bytes in, bytes out.
 */

export const SNAPSHOT_MAGIC = 'cairn-stat-snapshot 1\n';

/** Flag bits of a file entry. */
export const FLAG_EXEC = 1;
export const FLAG_READ_ONLY = 2;

export interface StatSnapshot {
  /** Repo-relative path of the tracked folder. */
  path: string;
  /** The tree oid the folder matched. */
  oid: string;
  /** The cache's signature (dirSnapshot.cacheSignature) when every object of the tree was present. */
  cacheSig: string;
  /** Stat line of the repository's root `.cairnignore` (`-` when absent): its rules decide what the folder holds. */
  guard: string;
  /** Folders relative to the tracked folder ('' is the folder itself); a folder's mtime moves when entries come or go. */
  dirs: string[];
  /** ino, mtimeNs per folder. */
  dirStats: BigInt64Array;
  /** Files relative to the tracked folder. */
  files: string[];
  /** ino, size, mtimeNs per file. */
  fileStats: BigInt64Array;
  /** FLAG_* bits per file. */
  fileFlags: Uint8Array;
}

interface Header {
  path: string;
  oid: string;
  cacheSig: string;
  guard: string;
  dirs: number;
  files: number;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Serialises a snapshot: a magic line, a JSON header line, padding, then the stat arrays and the names. */
export function encodeSnapshot(s: StatSnapshot): Buffer {
  const header: Header = { path: s.path, oid: s.oid, cacheSig: s.cacheSig, guard: s.guard, dirs: s.dirs.length, files: s.files.length };
  const head = Buffer.from(`${SNAPSHOT_MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  const names = Buffer.from([...s.dirs, ...s.files].join('\0'), 'utf8');
  const start = align8(head.length);
  const dirBytes = s.dirStats.byteLength;
  const fileBytes = s.fileStats.byteLength;
  const out = Buffer.alloc(start + dirBytes + fileBytes + s.fileFlags.length + names.length);
  head.copy(out, 0);
  Buffer.from(s.dirStats.buffer, s.dirStats.byteOffset, dirBytes).copy(out, start);
  Buffer.from(s.fileStats.buffer, s.fileStats.byteOffset, fileBytes).copy(out, start + dirBytes);
  Buffer.from(s.fileFlags.buffer, s.fileFlags.byteOffset, s.fileFlags.length).copy(out, start + dirBytes + fileBytes);
  names.copy(out, start + dirBytes + fileBytes + s.fileFlags.length);
  return out;
}

/** Reads a snapshot back; null for anything that is not a complete snapshot of this version (it is only a cache). */
export function decodeSnapshot(buf: Buffer): StatSnapshot | null {
  if (buf.length < SNAPSHOT_MAGIC.length || buf.toString('utf8', 0, SNAPSHOT_MAGIC.length) !== SNAPSHOT_MAGIC) return null;
  const end = buf.indexOf(10, SNAPSHOT_MAGIC.length);
  if (end < 0) return null;
  let h: Header;
  try {
    h = JSON.parse(buf.toString('utf8', SNAPSHOT_MAGIC.length, end)) as Header;
  } catch {
    return null;
  }
  if (!Number.isInteger(h.dirs) || !Number.isInteger(h.files) || h.dirs < 0 || h.files < 0) return null;
  const start = align8(end + 1);
  const dirBytes = h.dirs * 16;
  const fileBytes = h.files * 24;
  const namesAt = start + dirBytes + fileBytes + h.files;
  if (buf.length < namesAt) return null;
  // Copies into fresh, aligned buffers: the file's bytes need not sit at an 8-byte boundary in memory.
  const dirStats = new BigInt64Array(h.dirs * 2);
  Buffer.from(dirStats.buffer).set(buf.subarray(start, start + dirBytes));
  const fileStats = new BigInt64Array(h.files * 3);
  Buffer.from(fileStats.buffer).set(buf.subarray(start + dirBytes, start + dirBytes + fileBytes));
  const fileFlags = Uint8Array.from(buf.subarray(start + dirBytes + fileBytes, namesAt));
  const names = h.dirs + h.files === 0 ? [] : buf.toString('utf8', namesAt).split('\0');
  if (names.length !== h.dirs + h.files) return null;
  return {
    path: h.path, oid: h.oid, cacheSig: h.cacheSig, guard: h.guard,
    dirs: names.slice(0, h.dirs), dirStats, files: names.slice(h.dirs), fileStats, fileFlags,
  };
}
