import { CairnError } from '../core/errors.js';
import { chunkRefKey, hasChunkRefSync, parseChunkRef, readChunkRefSync, writeChunkRefSync } from '../data/chunks/chunkRefs.js';
import { localManifest, MIN_CHUNKED_SIZE } from '../data/chunks/chunkedManifest.js';
import { parseManifest, type Manifest } from '../data/chunks/manifest.js';
import type { ObjectStore } from '../data/objectStore.js';
import type { Remote } from './remote.js';
import { uploadableFile } from './packs/extractObject.js';
import { retrying, runPool, type TransferOptions } from './transfer.js';

/** A file to move, by its whole-content oid. */
export interface ChunkedBlob {
  oid: string;
  label: string;
}

export interface ChunkedMoved {
  /** Files whose manifest (and missing chunks) went across. */
  transferred: number;
  /** Bytes of chunks and manifests sent or fetched. */
  bytes: number;
  /** Files the other side already had chunked. */
  present: string[];
}

/** Whether a file names a chunked file in the cache (so it goes up as chunks rather than as one object). */
export function isChunkedLocally(store: ObjectStore, blob: { oid: string; size: number }): boolean {
  // Small files are never chunked: no stat for each of them (size -1 is unknown).
  return (blob.size < 0 || blob.size > MIN_CHUNKED_SIZE) && hasChunkRefSync(store.root, blob.oid);
}

/** The manifest oid a remote records for a chunked file (a tombstone or nothing: null). */
export async function remoteChunkRef(remote: Remote, fileOid: string, signal?: AbortSignal): Promise<string | null> {
  const bytes = await remote.getMeta(chunkRefKey(fileOid), { signal });
  return bytes ? parseChunkRef(bytes) : null;
}

/**
 * Pushes chunked files: for each, only the chunks the remote lacks, then the manifest, then the remote's ref — last,
 * so a remote ref never names missing bytes. A file whose ref is on the remote already costs one metadata read.
 */
export async function uploadChunked(
  store: ObjectStore, remote: Remote, blobs: ChunkedBlob[], options: TransferOptions,
  report: { fail: (label: string, oid: string, err: unknown) => void; onBytes: (n: number) => void },
): Promise<ChunkedMoved> {
  const signal = options.ctx.signal;
  const out: ChunkedMoved = { transferred: 0, bytes: 0, present: [] };
  for (const blob of blobs) {
    try {
      if (await remoteChunkRef(remote, blob.oid, signal)) {
        out.present.push(blob.oid);
        continue;
      }
      const m = localManifest(store.root, blob.oid)!;
      const manifestOid = readChunkRefSync(store.root, blob.oid)!;
      const chunkOids = [...new Set(m.chunks.map((c) => c.oid))];
      const there = await remote.exists([...chunkOids, manifestOid], { signal });
      // A file's last chunk can be small enough for a pack (layout 2), and so can a manifest after `cache migrate`.
      const send = async (oid: string) => {
        const local = await uploadableFile(store, oid);
        if (!local) throw new CairnError('NOT_FOUND', `object ${oid} (a chunk or the chunk manifest of ${blob.label}) is not in the local cache`, { hint: 'fetch it again with `cairn pull`, or re-add the file' });
        await retrying(() => remote.upload(oid, local.file, local.size, { signal }), `upload of a chunk of ${blob.label}`, options).finally(local.cleanup);
        out.bytes += local.size;
        report.onBytes(local.size);
      };
      await runPool(chunkOids.filter((c) => !there.has(c)), options.jobs, send, signal);
      if (!there.has(manifestOid)) await send(manifestOid);
      await retrying(() => remote.putMeta(chunkRefKey(blob.oid), Buffer.from(`${manifestOid}\n`), { signal }), `upload of the chunk ref of ${blob.label}`, options);
      out.transferred++;
    } catch (err) {
      report.fail(blob.label, blob.oid, err);
    }
  }
  return out;
}

/**
 * Pulls files a remote holds chunked: the ref, the manifest (verified against its oid and the file oid), the chunks
 * the cache lacks (each verified as it lands), and the local ref last. A file with no ref on the remote is NOT_FOUND.
 */
export async function downloadChunked(
  store: ObjectStore, remote: Remote, blobs: ChunkedBlob[], options: TransferOptions,
  io: {
    fetch: (oid: string, label: string) => Promise<number>;
    fail: (label: string, oid: string, err: unknown) => void;
    notFound: (blob: ChunkedBlob) => unknown;
  },
): Promise<ChunkedMoved> {
  const signal = options.ctx.signal;
  const out: ChunkedMoved = { transferred: 0, bytes: 0, present: [] };
  for (const blob of blobs) {
    try {
      const manifestOid = await remoteChunkRef(remote, blob.oid, signal);
      if (!manifestOid) throw io.notFound(blob);
      if (!(await store.has(manifestOid))) {
        const n = await io.fetch(manifestOid, `${blob.label} (chunk manifest)`);
        out.bytes += n;
      }
      const m: Manifest = parseManifest(await store.read(manifestOid), `${manifestOid} of ${blob.label}`, manifestOid);
      if (m.oid !== blob.oid) {
        throw new CairnError('INTEGRITY', `the chunk manifest ${manifestOid.slice(0, 12)} on remote "${remote.name}" describes ${m.oid.slice(0, 12)}, not ${blob.label} (${blob.oid.slice(0, 12)})`, {
          hint: 'push a good copy from a clone that has the file',
        });
      }
      const chunkOids = [...new Set(m.chunks.map((c) => c.oid))];
      const local = await store.hasMany(chunkOids);
      await runPool(chunkOids.filter((c) => !local.has(c)), options.jobs, async (c) => {
        const n = await io.fetch(c, `${blob.label} (chunk ${c.slice(0, 12)})`);
        out.bytes += n;
      }, signal);
      writeChunkRefSync(store.root, blob.oid, manifestOid);
      out.transferred++;
    } catch (err) {
      io.fail(blob.label, blob.oid, err);
    }
  }
  return out;
}
