import path from 'node:path';
import { listChunkRefsSync, readChunkRefSync } from './chunkRefs.js';
import { parseManifest } from './manifest.js';
import { readObjectSync } from '../packs/locateObject.js';

/**
 * What gc must do about the cache's chunked files, given the file oids still referenced: keep the manifest and every
 * chunk of each referenced one (chunks shared by several versions stay while any of them is live), and drop the refs
 * of the rest, whose manifests and chunks then become garbage like any unreferenced object.
 */
export function chunkedReferences(cacheDir: string, referenced: Set<string>): { keep: Set<string>; dropRefs: string[] } {
  const keep = new Set<string>();
  const dropRefs: string[] = [];
  for (const oid of listChunkRefsSync(cacheDir)) {
    if (!referenced.has(oid)) {
      dropRefs.push(oid);
      continue;
    }
    const manifest = readChunkRefSync(cacheDir, oid);
    if (!manifest) continue;
    keep.add(manifest);
    try {
      const m = parseManifest(readObjectSync(cacheDir, manifest), manifest);
      for (const c of m.chunks) keep.add(c.oid);
    } catch {
      // An unreadable manifest keeps nothing more: fsck reports it, and its chunks cannot be told from garbage.
    }
  }
  return { keep, dropRefs: dropRefs.sort() };
}
