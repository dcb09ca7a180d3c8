import { CairnError } from '../core/errors.js';
import { hashBuffer } from '../core/hash.js';
import { CHUNKED_DIR, parseChunkRef } from '../data/chunks/chunkRefs.js';
import { parseManifest } from '../data/chunks/manifest.js';
import type { ObjectStore } from '../data/objectStore.js';
import type { Remote } from './remote.js';

async function readRemoteObject(remote: Remote, oid: string, signal?: AbortSignal): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of await remote.download(oid, { signal })) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/**
 * The remote's side of gc for chunked files: for every ref below `meta/chunked/` whose file is still referenced,
 * the manifest and chunks to keep (the manifest read from the cache, else from the remote, verified); the file oids
 * whose refs can go. A live file whose manifest cannot be read stops the gc: its chunks would look like garbage.
 */
export async function remoteChunkedReferences(
  store: ObjectStore, remote: Remote, referenced: Set<string>, signal?: AbortSignal,
): Promise<{ keep: Set<string>; drop: string[] }> {
  const keep = new Set<string>();
  const drop: string[] = [];
  for (const key of await remote.listMeta(`${CHUNKED_DIR}/`, { signal })) {
    const m = /^chunked\/([0-9a-f]{2})\/([0-9a-f]{62})$/.exec(key);
    if (!m) continue;
    const fileOid = m[1] + m[2];
    const data = await remote.getMeta(key, { signal });
    const manifestOid = data ? parseChunkRef(data) : null;
    if (!manifestOid) continue; // a tombstone
    if (!referenced.has(fileOid)) {
      drop.push(fileOid);
      continue;
    }
    keep.add(manifestOid);
    let bytes: Buffer;
    try {
      bytes = await store.read(manifestOid).catch(() => readRemoteObject(remote, manifestOid, signal));
    } catch {
      throw new CairnError('CONFLICT', `the chunk manifest ${manifestOid} of object ${fileOid} is neither in the cache nor on remote "${remote.name}": its chunks cannot be told apart from garbage`, {
        hint: 'push the file again from a clone that has it, or narrow the scope; nothing was deleted',
      });
    }
    if (hashBuffer(bytes) !== manifestOid) {
      throw new CairnError('INTEGRITY', `the chunk manifest ${manifestOid} of object ${fileOid} on remote "${remote.name}" is corrupt; nothing was deleted`, {
        hint: 'push the file again from a clone that has a good copy, then run gc again',
      });
    }
    for (const c of parseManifest(bytes, manifestOid).chunks) keep.add(c.oid);
  }
  return { keep, drop: drop.sort() };
}
