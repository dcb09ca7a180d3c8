import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { isOid } from '../../core/hash.js';

/**
 * A file stored chunked has no object under its own oid; instead `meta/chunked/<2 hex>/<62 hex>` (named by the file
 * oid) holds the oid of its manifest object. It is written last, after every chunk and the manifest, so a ref never
 * names missing bytes. Caches and remotes keep it at the same place (a remote's metadata key `chunked/...`), so a
 * cache read as a local-directory remote (`cairn import` from a source repository's cache) finds it too.
 */
export const CHUNKED_DIR = 'chunked';
const META_DIR = 'meta';

/** The ref's metadata key: its path below `meta/` of a cache or remote. Pure. */
export function chunkRefKey(fileOid: string): string {
  return `${CHUNKED_DIR}/${fileOid.slice(0, 2)}/${fileOid.slice(2)}`;
}

export function chunkRefPath(cacheDir: string, fileOid: string): string {
  return path.join(cacheDir, META_DIR, CHUNKED_DIR, fileOid.slice(0, 2), fileOid.slice(2));
}

/** The manifest oid out of a ref's bytes, or null when they are not one. Pure. */
export function parseChunkRef(bytes: Uint8Array | string): string | null {
  const text = (typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8')).trim();
  return isOid(text) ? text : null;
}

/** The manifest oid of a chunked file in the cache, or null when the file is not stored chunked there. */
export function readChunkRefSync(cacheDir: string, fileOid: string): string | null {
  try {
    return parseChunkRef(readFileSync(chunkRefPath(cacheDir, fileOid)));
  } catch {
    return null;
  }
}

let counter = 0;

/** Writes the ref through a temp name and a rename (synchronous: it runs inside the hash workers too). */
export function writeChunkRefSync(cacheDir: string, fileOid: string, manifestOid: string): void {
  const final = chunkRefPath(cacheDir, fileOid);
  mkdirSync(path.dirname(final), { recursive: true });
  const tmp = `${final}.tmp-${process.pid}-${threadId}-${counter++}`;
  const fd = openSync(tmp, 'wx', 0o444);
  try {
    writeSync(fd, `${manifestOid}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
}

/** Every file oid stored chunked in the cache (from the ref names; temp files skipped). */
export function listChunkRefsSync(cacheDir: string): string[] {
  const base = path.join(cacheDir, META_DIR, CHUNKED_DIR);
  const out: string[] = [];
  let prefixes: string[];
  try {
    prefixes = readdirSync(base);
  } catch {
    return out;
  }
  for (const p of prefixes) {
    if (!/^[0-9a-f]{2}$/.test(p)) continue;
    for (const rest of readdirSync(path.join(base, p))) if (/^[0-9a-f]{62}$/.test(rest)) out.push(p + rest);
  }
  return out;
}

/** Whether `fileOid` is stored chunked in the cache (its ref exists). */
export function hasChunkRefSync(cacheDir: string, fileOid: string): boolean {
  return existsSync(chunkRefPath(cacheDir, fileOid));
}
