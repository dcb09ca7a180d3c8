import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectStore } from '../../src/data/objectStore.js';
import { serializePointer } from '../../src/data/pointer.js';
import { treeOid, type TreeEntry } from '../../src/data/tree.js';
import { hashBuffer } from '../../src/core/hash.js';

/**
 * Tracks data the way `cairn add` leaves it (objects in the cache, a pointer file, the workspace copy) without running
 * add, so history commands can be tested on exactly known states. Returns the oid of the blob or tree.
 */
export async function trackFixture(
  root: string,
  rel: string,
  content: string | Record<string, string>,
  options: { cacheDir?: string; skipTreeObject?: boolean; skipBlobs?: boolean } = {},
): Promise<string> {
  const store = new ObjectStore(options.cacheDir ?? path.join(root, '.cairn', 'cache'));
  await store.ensureLayout();
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  let pointer;
  if (typeof content === 'string') {
    writeFileSync(abs, content);
    if (!options.skipBlobs) await store.putBuffer(Buffer.from(content));
    pointer = { version: 1, kind: 'file' as const, path: path.basename(rel), oid: hashBuffer(content), size: Buffer.byteLength(content) };
  } else {
    const entries: TreeEntry[] = [];
    for (const [name, text] of Object.entries(content)) {
      const file = path.join(abs, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      if (!options.skipBlobs) await store.putBuffer(Buffer.from(text));
      entries.push({ path: name, oid: hashBuffer(text), size: Buffer.byteLength(text), exec: false });
    }
    const { oid, bytes } = treeOid(entries);
    if (!options.skipTreeObject) await store.putBuffer(bytes);
    const size = entries.reduce((n, e) => n + e.size, 0);
    pointer = { version: 1, kind: 'dir' as const, path: path.basename(rel), oid, size, files: entries.length };
  }
  writeFileSync(abs + '.cairn', serializePointer(pointer));
  return pointer.oid;
}

/** Puts bytes in the cache only (an object nothing needs to reference). */
export async function cacheOnly(root: string, content: string): Promise<string> {
  const store = new ObjectStore(path.join(root, '.cairn', 'cache'));
  await store.ensureLayout();
  return (await store.putBuffer(Buffer.from(content))).oid;
}

export function objectFile(root: string, oid: string): string {
  return path.join(root, '.cairn', 'cache', 'objects', oid.slice(0, 2), oid.slice(2));
}
