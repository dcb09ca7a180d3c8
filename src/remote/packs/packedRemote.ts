import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { tempPathFor } from '../../core/atomicWrite.js';
import { CairnError } from '../../core/errors.js';
import { encodeIndex, encodePack, type PackEntry } from '../../data/packs/packFormat.js';
import type { PackReadOptions, Remote, RemoteCallOptions } from '../remote.js';
import { REMOTE_INDEX_DIR, RemotePackIndex } from './remotePackIndex.js';

/** A pack on a remote holds up to this many bytes of objects: few requests, and a repack stays cheap. */
export const REMOTE_PACK_BYTES = 8 << 20;

/**
 * A layout 2 remote: the backend's loose objects plus its packs, behind the same Remote interface. Existence and
 * listing consult the merged pack index; a download of a packed object is one ranged read of its pack. Pushes of
 * small objects go through `uploadPacked`. Removal touches loose objects only; packed ones go by repack (gc).
 */
export class PackedRemote implements Remote {
  readonly name: string;
  readonly displayUrl: string;
  readonly readOnly: boolean;
  readonly packs: RemotePackIndex;
  /** Ranged reads served, for tests and `--verbose` logs. */
  rangedReads = 0;

  constructor(readonly inner: Remote, private readonly cacheDir: string) {
    this.name = inner.name;
    this.displayUrl = inner.displayUrl;
    this.readOnly = inner.readOnly;
    this.packs = new RemotePackIndex(inner, cacheDir);
  }

  async exists(oids: string[], options?: RemoteCallOptions): Promise<Set<string>> {
    const found = new Set<string>();
    const rest: string[] = [];
    for (const oid of new Set(oids)) {
      if (await this.packs.lookup(oid, options)) found.add(oid);
      else rest.push(oid);
    }
    if (rest.length) for (const oid of await this.inner.exists(rest, options)) found.add(oid);
    return found;
  }

  /** Which of `oids` the remote holds in packs (no request beyond loading the index). */
  async packedOf(oids: string[], options?: RemoteCallOptions): Promise<Set<string>> {
    const found = new Set<string>();
    for (const oid of oids) if (await this.packs.lookup(oid, options)) found.add(oid);
    return found;
  }

  async *list(options?: RemoteCallOptions): AsyncIterable<string> {
    const packed = await this.packs.oids(options);
    yield* packed;
    for await (const oid of this.inner.list(options)) if (!packed.has(oid)) yield oid;
  }

  upload(oid: string, localPath: string, size: number, options?: RemoteCallOptions): Promise<void> {
    return this.inner.upload(oid, localPath, size, options);
  }

  async download(oid: string, options?: RemoteCallOptions): Promise<Readable> {
    const loc = await this.packs.lookup(oid, options);
    if (!loc) return this.inner.download(oid, options);
    this.rangedReads++;
    try {
      return await this.inner.downloadPack(loc.file, { ...options, range: { offset: loc.offset, length: loc.length } });
    } catch (err) {
      // Repacked meanwhile: read the listing again, then the object from wherever it is now.
      if (!(err instanceof CairnError && err.code === 'NOT_FOUND')) throw err;
      await this.packs.load(options);
      const again = await this.packs.lookup(oid, options);
      if (!again) return this.inner.download(oid, options);
      return this.inner.downloadPack(again.file, { ...options, range: { offset: again.offset, length: again.length } });
    }
  }

  remove(oids: string[], options?: RemoteCallOptions): Promise<void> {
    return this.inner.remove(oids, options);
  }

  putMeta(key: string, data: Buffer, options?: RemoteCallOptions): Promise<void> {
    return this.inner.putMeta(key, data, options);
  }

  getMeta(key: string, options?: RemoteCallOptions): Promise<Buffer | null> {
    return this.inner.getMeta(key, options);
  }

  listMeta(prefix: string, options?: RemoteCallOptions): Promise<string[]> {
    return this.inner.listMeta(prefix, options);
  }

  listPacks(options?: RemoteCallOptions): Promise<string[]> {
    return this.inner.listPacks(options);
  }

  uploadPack(file: string, localPath: string, size: number, options?: RemoteCallOptions): Promise<void> {
    return this.inner.uploadPack(file, localPath, size, options);
  }

  downloadPack(file: string, options?: PackReadOptions): Promise<Readable> {
    return this.inner.downloadPack(file, options);
  }

  removePacks(files: string[], options?: RemoteCallOptions): Promise<void> {
    return this.inner.removePacks(files, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * Uploads objects as one pack: the pack file first, its index last, so no index on the remote ever names bytes that
   * are not there (a cut push leaves at most an unindexed pack, which gc removes). Returns the pack's name.
   */
  async uploadPacked(objects: PackEntry[], options?: RemoteCallOptions): Promise<string> {
    const tmpDir = path.join(this.cacheDir, REMOTE_INDEX_DIR, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    const pack = encodePack(objects);
    const idx = encodeIndex(pack.name, pack.index);
    const packTmp = tempPathFor(path.join(tmpDir, `${pack.name}.pack`));
    const idxTmp = tempPathFor(path.join(tmpDir, `${pack.name}.idx`));
    try {
      await fs.writeFile(packTmp, pack.bytes);
      await fs.writeFile(idxTmp, idx);
      await this.inner.uploadPack(`${pack.name}.pack`, packTmp, pack.bytes.length, options);
      await this.inner.uploadPack(`${pack.name}.idx`, idxTmp, idx.length, options);
    } finally {
      await fs.rm(packTmp, { force: true });
      await fs.rm(idxTmp, { force: true });
    }
    await this.packs.add(pack.name, idx);
    return pack.name;
  }
}

/** Splits objects into groups of at most `maxBytes` (an object larger than that gets a group of its own). Pure. */
export function groupBySize<T extends { size: number }>(items: T[], maxBytes = REMOTE_PACK_BYTES): T[][] {
  const groups: T[][] = [];
  let bytes = Infinity;
  for (const item of items) {
    if (bytes + item.size > maxBytes) {
      groups.push([]);
      bytes = 0;
    }
    groups[groups.length - 1].push(item);
    bytes += item.size;
  }
  return groups;
}
