import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { CairnError } from '../../core/errors.js';
import { decodeIndex, indexEntryAt, type PackIndex } from '../../data/packs/packFormat.js';
import { packFile } from '../../data/packs/packPaths.js';
import { PackSet, type PackedLocation } from '../../data/packs/packSet.js';
import { forEachLimit } from '../forEachLimit.js';
import { readAll } from './readAll.js';
import type { Remote, RemoteCallOptions } from '../remote.js';

/** Where copies of remote pack indexes are kept, below the cache (content-named, so shared by every remote). */
export const REMOTE_INDEX_DIR = 'remote-packs';


/**
 * The merged index of a remote's packs, as Git keeps `.idx` files beside packs it fetched: each index is downloaded
 * once, verified, and kept in the cache under its (content) name; after that a lookup costs no request. Only packs
 * whose `.pack` and `.idx` are both on the remote count: the index goes up last and comes down first.
 */
export class RemotePackIndex {
  private names = new Set<string>();
  private readonly set: PackSet;
  private loaded = false;

  constructor(private readonly remote: Remote, private readonly cacheDir: string) {
    this.set = new PackSet(path.join(cacheDir, REMOTE_INDEX_DIR), { only: () => this.names, packFileOf: (name) => `${name}.pack` });
  }

  /** Lists the remote's packs and fetches the indexes not kept yet. */
  async load(options?: RemoteCallOptions): Promise<void> {
    const files = new Set(await this.remote.listPacks(options));
    const names = [...files].filter((f) => f.endsWith('.idx')).map((f) => f.slice(0, 64)).filter((n) => files.has(`${n}.pack`));
    const root = path.join(this.cacheDir, REMOTE_INDEX_DIR);
    await forEachLimit(names.filter((n) => !existsSync(packFile(root, n, 'idx'))), 8, async (name) => {
      const bytes = await readAll(await this.remote.downloadPack(`${name}.idx`, options));
      // Verified before it is kept: a damaged download must not become the local truth about the remote.
      const index = decodeIndex(bytes, `packs/${name}.idx on remote "${this.remote.name}"`);
      if (index.packName !== name) {
        throw new CairnError('INTEGRITY', `pack index packs/${name}.idx on remote "${this.remote.name}" belongs to another pack (${index.packName})`, {
          hint: `run \`cairn gc\` against the remote, or remove packs/${name}.* there`,
        });
      }
      await fs.mkdir(path.join(root, 'packs'), { recursive: true });
      await writeFileAtomic(packFile(root, name, 'idx'), bytes, { fsync: false });
    });
    this.names = new Set(names);
    this.set.refresh();
    this.loaded = true;
  }

  private async ready(options?: RemoteCallOptions): Promise<void> {
    if (!this.loaded) await this.load(options);
  }

  /** Where the object is on the remote (`file` is the pack file name), or null. */
  async lookup(oid: string, options?: RemoteCallOptions): Promise<PackedLocation | null> {
    await this.ready(options);
    return this.set.lookup(oid);
  }

  async indexes(options?: RemoteCallOptions): Promise<PackIndex[]> {
    await this.ready(options);
    return this.set.all();
  }

  /** Every distinct packed oid on the remote. */
  async oids(options?: RemoteCallOptions): Promise<Set<string>> {
    const out = new Set<string>();
    for (const index of await this.indexes(options)) for (let i = 0; i < index.count; i++) out.add(indexEntryAt(index, i).oid);
    return out;
  }

  /** Records a pack this process just uploaded (its index bytes are kept like a downloaded one). */
  async add(name: string, idxBytes: Buffer): Promise<void> {
    await this.ready();
    const root = path.join(this.cacheDir, REMOTE_INDEX_DIR);
    await fs.mkdir(path.join(root, 'packs'), { recursive: true });
    await writeFileAtomic(packFile(root, name, 'idx'), idxBytes, { fsync: false });
    this.names.add(name);
    this.set.add(name, decodeIndex(idxBytes, `packs/${name}.idx`));
  }

  /** Forgets packs removed from the remote (a repack). */
  forget(names: string[]): void {
    for (const n of names) this.names.delete(n);
    this.set.refresh();
  }
}
