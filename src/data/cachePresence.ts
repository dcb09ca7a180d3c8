import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { objectFile } from './fileOps.js';

/**
 * A membership test for objects in a cache. For many oids, listing the 256 prefix folders once is cheaper than one
 * stat per oid; for a few, stat each.
 */
export function cachePresence(cacheDir: string, expected: number): (oid: string) => boolean {
  if (expected < 4096) return (oid) => existsSync(objectFile(cacheDir, oid));
  const present = new Set<string>();
  const base = path.join(cacheDir, 'objects');
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
