import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { objectFile } from './fileOps.js';

/**
 * A membership test for objects in a cache. For many oids, listing the 256 prefix folders once is cheaper than one
 * stat per oid; for a few, stat each.
 */
export function cachePresence(cacheDir: string, expected: number): (oid: string) => boolean {
  const stat = (oid: string) => existsSync(objectFile(cacheDir, oid));
  if (expected < 4096) return stat;
  const base = path.join(cacheDir, 'objects');
  // A big shared cache may hold far more objects than we ask about: estimate its size from one prefix folder, and
  // list it only when that costs less than a stat per asked oid (a name from readdir is several times cheaper).
  let sample = 0;
  try {
    sample = readdirSync(path.join(base, '00')).length;
  } catch {
    /* no such folder: a small or empty cache */
  }
  if (sample * 256 > expected * 4) return stat;
  const present = new Set<string>();
  let prefixes: string[] = [];
  try {
    prefixes = readdirSync(base);
  } catch {
    return () => false;
  }
  for (const p of prefixes) {
    if (p.length !== 2) continue;
    for (const rest of readdirSync(path.join(base, p))) if (rest.length === 62) present.add(p + rest);
  }
  return (oid) => present.has(oid);
}
