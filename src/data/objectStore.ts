import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { tempPathFor } from '../core/atomicWrite.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import { HASH_ALGORITHM, hashBuffer } from '../core/hash.js';
import { loadManifestSync } from './chunks/assembleChunked.js';
import { readChunked, writeChunkedTo } from './chunks/chunkedManifest.js';
import { hasChunkRefSync } from './chunks/chunkRefs.js';
import { CACHE_LAYOUT_VERSION, OBJECTS_DIR, objectPath, oidFromRelPath } from './objectPath.js';
import { layoutMarkerText, type LayoutVersion } from './packs/cacheLayout.js';
import { locateObject, readPackedSync } from './packs/locateObject.js';
import { listPackedOids } from './packs/listPackedOids.js';

export type ObjectHealth = 'ok' | 'missing' | 'corrupt';

const READ_ONLY = 0o444;

/**
 * The content-addressed object store behind a cache (and a local-directory remote): it maps oids to files and
 * nothing more. Objects are written to a temp name and renamed, so a final name always holds complete bytes.
 */
export class ObjectStore {
  /** `newLayout`: the layout this store is created with if it does not exist yet (an existing one keeps its own). */
  constructor(readonly root: string, private readonly options: { newLayout?: LayoutVersion } = {}) {}

  path(oid: string): string {
    return objectPath(this.root, oid);
  }

  /** Creates the layout marker on first use (`version` for a new store only), so layouts can be told apart. */
  async ensureLayout(version: LayoutVersion = this.options.newLayout ?? CACHE_LAYOUT_VERSION): Promise<void> {
    await fs.mkdir(path.join(this.root, OBJECTS_DIR), { recursive: true });
    const marker = path.join(this.root, 'LAYOUT');
    try {
      await fs.writeFile(marker, layoutMarkerText(version), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fromSystemError(err, `could not create the cache at ${this.root}`);
    }
  }

  /** Whether the object is present (size-checked when the expected size is known, which catches truncated files). */
  async has(oid: string, size?: number): Promise<boolean> {
    try {
      const st = await fs.stat(this.path(oid));
      return size === undefined || st.size === size;
    } catch {
      // A packed object, else a file stored as chunks (its ref is written after its manifest and chunks).
      const loc = locateObject(this.root, oid);
      if (loc?.kind === 'packed') return size === undefined || loc.length === size;
      return hasChunkRefSync(this.root, oid);
    }
  }

  /** The object's size, or null when the store has it neither loose, nor packed, nor as chunks. */
  async size(oid: string): Promise<number | null> {
    const loc = locateObject(this.root, oid);
    if (!loc) {
      try {
        return hasChunkRefSync(this.root, oid) ? (loadManifestSync(this.root, oid)?.size ?? null) : null;
      } catch {
        return null; // a damaged manifest: fsck names it
      }
    }
    if (loc.kind === 'packed') return loc.length;
    const st = await fs.stat(loc.file).catch(() => null);
    return st ? st.size : null;
  }

  /** A stream of the object's bytes, from its loose file or its range of a pack. */
  open(oid: string): Readable {
    const loc = locateObject(this.root, oid);
    if (loc?.kind === 'packed') {
      if (loc.length === 0) return Readable.from([]);
      return createReadStream(loc.file, { start: loc.offset, end: loc.offset + loc.length - 1, highWaterMark: 1 << 20 });
    }
    // A file stored as chunks is assembled (and verified) first; a loose object streams from its file.
    const chunked = existsSync(this.path(oid)) ? null : readChunked(this.root, oid);
    return chunked ? Readable.from([chunked]) : createReadStream(this.path(oid), { highWaterMark: 1 << 20 });
  }

  /** Checks many objects at once with bounded parallelism; returns the oids that are present. */
  async hasMany(oids: Iterable<string>, concurrency = 64): Promise<Set<string>> {
    const list = [...new Set(oids)];
    const present = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const oid = list[next++];
        if (await this.has(oid)) present.add(oid);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
    return present;
  }

  async putBuffer(data: Uint8Array): Promise<{ oid: string; size: number; stored: boolean }> {
    const oid = hashBuffer(data);
    if (await this.has(oid, data.length)) return { oid, size: data.length, stored: false };
    const final = this.path(oid);
    await fs.mkdir(path.dirname(final), { recursive: true });
    const tmp = tempPathFor(final);
    try {
      await fs.writeFile(tmp, data, { mode: READ_ONLY });
      await fs.rename(tmp, final);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => {});
      throw fromSystemError(err, `could not write object ${oid} to ${this.root}`);
    }
    return { oid, size: data.length, stored: true };
  }

  /**
   * Streams bytes into the store, verifying them against `oid` before they get their final name. A stream that
   * does not match (a corrupt or truncated download, a file that changed while read) is discarded and reported.
   */
  async putStream(stream: Readable, oid: string, what: string): Promise<{ size: number; stored: boolean }> {
    const final = this.path(oid);
    await fs.mkdir(path.dirname(final), { recursive: true });
    const tmp = tempPathFor(final);
    const hash = createHash(HASH_ALGORITHM);
    let size = 0;
    try {
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      await pipeline(stream, createWriteStream(tmp, { mode: READ_ONLY }));
      const got = hash.digest('hex');
      if (got !== oid) {
        throw new CairnError('INTEGRITY', `${what} does not match its object id: expected ${oid}, got ${got} (${size} bytes)`, {
          hint: 'the source is corrupt or was cut short; it was not stored. Run `cairn fsck` on the source or retry',
          data: { oid, got },
        });
      }
      await fs.rename(tmp, final);
      return { size, stored: true };
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => {});
      if (err instanceof CairnError) throw err;
      throw fromSystemError(err, `could not store ${what} in ${this.root}`);
    }
  }

  /** Copies a file into the store under `oid`, verifying the bytes as they are copied. */
  async putFile(src: string, oid: string): Promise<{ size: number; stored: boolean }> {
    // Present loose, packed or chunked: its size is whichever of those it is.
    const size = await this.size(oid);
    if (size !== null) return { size, stored: false };
    return this.putStream(createReadStream(src, { highWaterMark: 1 << 20 }), oid, src);
  }

  /**
   * Copies the object to a new file `dest`: the loose file by the kernel, a packed object out of its pack, a chunked
   * file assembled from its chunks (verified).
   */
  async copyTo(oid: string, dest: string): Promise<void> {
    try {
      await fs.copyFile(this.path(oid), dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (locateObject(this.root, oid)?.kind === 'packed') await pipeline(this.open(oid), createWriteStream(dest));
      else if (!writeChunkedTo(this.root, oid, dest)) throw err;
    }
  }

  async read(oid: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.path(oid));
    } catch (err) {
      const loc = (err as NodeJS.ErrnoException).code === 'ENOENT' ? locateObject(this.root, oid) : null;
      if (loc?.kind === 'packed') return readPackedSync(this.root, oid, loc);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        const chunked = readChunked(this.root, oid);
        if (chunked) return chunked;
        throw new CairnError('NOT_FOUND', `object ${oid} is not in the cache ${this.root}`, {
          hint: 'fetch it from a remote with `cairn pull`, or re-add the data',
          data: { oid },
        });
      }
      throw fromSystemError(err, `could not read object ${oid}`);
    }
  }

  /** Re-hashes an object and says whether it is intact. */
  async verify(oid: string): Promise<ObjectHealth> {
    const hash = createHash(HASH_ALGORITHM);
    try {
      await pipeline(createReadStream(this.path(oid), { highWaterMark: 1 << 20 }), async function* (source) {
        for await (const chunk of source) hash.update(chunk as Buffer);
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(err, `could not read object ${oid}`);
      const loc = locateObject(this.root, oid);
      if (loc?.kind !== 'packed') return 'missing';
      return hashBuffer(readPackedSync(this.root, oid, loc)) === oid ? 'ok' : 'corrupt';
    }
    return hash.digest('hex') === oid ? 'ok' : 'corrupt';
  }

  /** Every oid in the store (unordered), loose ones then packed ones; temp files and foreign files are skipped. */
  async *list(): AsyncGenerator<string> {
    const loose = new Set<string>();
    for await (const oid of this.listLoose()) {
      loose.add(oid);
      yield oid;
    }
    for (const oid of listPackedOids(this.root)) if (!loose.has(oid)) yield oid;
  }

  /** Every oid with a loose file of its own. */
  async *listLoose(): AsyncGenerator<string> {
    const base = path.join(this.root, OBJECTS_DIR);
    let prefixes: string[];
    try {
      prefixes = await fs.readdir(base);
    } catch {
      return;
    }
    for (const prefix of prefixes) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const rest of await fs.readdir(path.join(base, prefix)).catch(() => [] as string[])) {
        const oid = oidFromRelPath(`${OBJECTS_DIR}/${prefix}/${rest}`);
        if (oid) yield oid;
      }
    }
  }

  async remove(oid: string): Promise<void> {
    await fs.rm(this.path(oid), { force: true });
  }

  /** Moves a bad object aside (to `quarantine/`), so a later pull fetches a good copy and the bytes stay for inspection. */
  async quarantine(oid: string): Promise<string> {
    const dir = path.join(this.root, 'quarantine');
    await fs.mkdir(dir, { recursive: true });
    const dest = path.join(dir, `${oid}.${Date.now()}`);
    await fs.rename(this.path(oid), dest);
    return dest;
  }
}
