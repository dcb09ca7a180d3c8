import { rmSync } from 'node:fs';
import path from 'node:path';
import { chunkRefPath, listChunkRefsSync, readChunkRefSync } from './chunkRefs.js';
import { parseManifest } from './manifest.js';
import { readObjectSync } from '../packs/locateObject.js';

/** A chunked file in the cache that cannot be assembled: its manifest or a chunk is corrupt or absent. */
export interface ChunkedProblem {
  oid: string;
  manifest: string | null;
  reason: 'corrupt' | 'missing';
  message: string;
}

/**
 * Checks every chunked file of the cache against what fsck learned of the objects (which are present, which are
 * corrupt): its manifest must parse and describe it, and every chunk must be present and intact. Reads only manifests.
 */
export function checkChunkedRefs(cacheDir: string, present: Set<string>, corrupt: Set<string>): { ok: string[]; problems: ChunkedProblem[] } {
  const ok: string[] = [];
  const problems: ChunkedProblem[] = [];
  for (const oid of listChunkRefsSync(cacheDir)) {
    const manifest = readChunkRefSync(cacheDir, oid);
    const problem = (reason: ChunkedProblem['reason'], message: string) => problems.push({ oid, manifest, reason, message });
    if (!manifest) {
      problem('corrupt', 'its chunk ref does not hold a manifest oid');
      continue;
    }
    if (corrupt.has(manifest)) {
      problem('corrupt', `its manifest ${manifest.slice(0, 12)} is corrupt`);
      continue;
    }
    if (!present.has(manifest)) {
      problem('missing', `its manifest ${manifest.slice(0, 12)} is not in the cache`);
      continue;
    }
    let chunks;
    try {
      const m = parseManifest(readObjectSync(cacheDir, manifest), manifest);
      if (m.oid !== oid) throw new Error(`its manifest ${manifest.slice(0, 12)} describes ${m.oid.slice(0, 12)}`);
      chunks = m.chunks;
    } catch (err) {
      problem('corrupt', (err as Error).message);
      continue;
    }
    const bad = chunks.filter((c) => corrupt.has(c.oid));
    const gone = chunks.filter((c) => !present.has(c.oid));
    if (bad.length) problem('corrupt', `${bad.length} of its chunks are corrupt (first: ${bad[0].oid.slice(0, 12)})`);
    else if (gone.length) problem('missing', `${gone.length} of its chunks are not in the cache (first: ${gone[0].oid.slice(0, 12)})`);
    else ok.push(oid);
  }
  problems.sort((a, b) => (a.oid < b.oid ? -1 : 1));
  return { ok, problems };
}

/** Drops the ref of a chunked file that cannot be assembled, so the next pull fetches it again (its good chunks stay). */
export function dropChunkRef(cacheDir: string, fileOid: string): void {
  rmSync(chunkRefPath(cacheDir, fileOid), { force: true });
}
