import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { hasChunkRefSync, listChunkRefsSync } from './chunks/chunkRefs.js';
import { objectFile } from './fileOps.js';
import { withPacked } from './packs/withPacked.js';

/**
 * A membership test for objects in a cache (a file stored as chunks counts as present: its ref is written last). For many oids, listing the 256 prefix folders once is cheaper than one
 * stat per oid; for a few, stat each.
 */
export function cachePresence(cacheDir: string, expected: number): (oid: string) => boolean {
  return withPacked(cacheDir, loosePresence(cacheDir, expected));
}

function loosePresence(cacheDir: string, expected: number): (oid: string) => boolean {
  // A file stored as chunks counts as present once its ref is written (after its manifest and chunks).
  const stat = (oid: string) => existsSync(objectFile(cacheDir, oid)) || hasChunkRefSync(cacheDir, oid);
  if (!listingPays(cacheDir, expected)) return stat;
  const base = path.join(cacheDir, 'objects');
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
  for (const oid of listChunkRefsSync(cacheDir)) present.add(oid);
  return (oid) => present.has(oid);
}

/**
 * Whether listing the cache's prefix folders costs less than one stat for each of `expected` oids. A big shared cache
 * may hold far more objects than we ask about: its size is estimated from one prefix folder, and listing wins when
 * it is not much bigger than the question (a name from readdir is several times cheaper than a stat).
 */
export function listingPays(cacheDir: string, expected: number): boolean {
  if (expected < 4096) return false;
  let sample = 0;
  try {
    sample = readdirSync(path.join(cacheDir, 'objects', '00')).length;
  } catch {
    /* no such folder: a small or empty cache */
  }
  return sample * 256 <= expected * 4;
}
