import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { OBJECTS_DIR } from './objectPath.js';
import { PACKS_DIR } from './packs/packPaths.js';
import type { WalkEntry } from './walkWorkspace.js';

/** Timestamps closer to now than this may still change without their mtime moving (coarse file-system clocks). */
const RACY_NS = 20_000_000n;

/** Timestamps at or after this are too recent to trust: a write in the same clock tick would not move them. */
export function racyAfter(): bigint {
  return BigInt(Date.now()) * 1_000_000n - RACY_NS;
}

/**
 * A fingerprint of a folder listing: every file's path, inode, size, mtime and mode bits. Equal fingerprints mean no
 * file was added, removed, replaced or written since — unless a write hit the same coarse mtime tick, so a listing
 * with a file modified within the last few milliseconds gets no fingerprint (null).
 */
export function listingFingerprint(files: WalkEntry[]): string | null {
  const racy = racyAfter();
  const hash = createHash('sha256');
  // Lines hashed a thousand at a time: the same digest as one update per file, at a fraction of the calls.
  let lines = '';
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (BigInt(f.stat.mtimeNs) >= racy) return null;
    lines += `${f.rel}\0${f.stat.ino}\0${f.stat.size}\0${f.stat.mtimeNs}\0${f.exec ? 1 : 0}${f.readOnly ? 1 : 0}\n`;
    if (i % 1000 === 999) {
      hash.update(lines);
      lines = '';
    }
  }
  return hash.update(lines).digest('hex');
}

/**
 * A signature of which objects a cache holds, from the mtimes of its 257 folders: adding, removing or renaming an
 * object changes its folder's mtime. Cheap (257 stats) next to listing 100k objects. Null when unsure (racy or missing).
 */
export function cacheSignature(cacheDir: string): string | null {
  const base = path.join(cacheDir, OBJECTS_DIR);
  const racy = racyAfter();
  const hash = createHash('sha256');
  try {
    for (let i = -1; i < 256; i++) {
      const dir = i < 0 ? base : path.join(base, i.toString(16).padStart(2, '0'));
      const st = statSync(dir, { bigint: true, throwIfNoEntry: false });
      if (!st) {
        hash.update('-\n');
        continue;
      }
      if (st.mtimeNs >= racy) return null;
      hash.update(`${st.ino}:${st.mtimeNs}\n`);
    }
    // Layout 2: packs come and go in their own folder (absent in layout 1, whose signatures stay as they were).
    const packs = statSync(path.join(cacheDir, PACKS_DIR), { bigint: true, throwIfNoEntry: false });
    if (packs) {
      if (packs.mtimeNs >= racy) return null;
      hash.update(`packs ${packs.ino}:${packs.mtimeNs}\n`);
    }
  } catch {
    return null;
  }
  return hash.digest('hex');
}
