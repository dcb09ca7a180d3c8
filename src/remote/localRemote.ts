import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { tempPathFor, writeFileAtomic } from '../core/atomicWrite.js';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import { isSafeRelPath } from '../data/tree.js';
import { OBJECTS_DIR, objectPath } from '../data/objectPath.js';
import { ObjectStore } from '../data/objectStore.js';
import type { RemoteOptions } from './openRemote.js';
import { readOnlyError } from './backendInit.js';
import { forEachLimit } from './forEachLimit.js';
import { listMetaKeys } from './listMetaKeys.js';
import { isPackFileName, packFileRel, packNotFound } from './packs/packFileName.js';
import type { PackReadOptions, Remote, RemoteCallOptions } from './remote.js';

const META_DIR = 'meta';
/** Below this many oids, one stat per object beats reading whole prefix directories. */
const LIST_THRESHOLD = 256;
const STAT_CONCURRENCY = 64;

/** A remote in a local or mounted directory, with the same layout as a cache: `objects/<2>/<62>`, plus `meta/`. */
export class LocalRemote implements Remote {
  readonly displayUrl: string;
  private readonly store: ObjectStore;

  constructor(readonly name: string, readonly root: string, readonly readOnly: boolean) {
    this.displayUrl = root;
    this.store = new ObjectStore(root);
  }

  async exists(oids: string[]): Promise<Set<string>> {
    const wanted = new Set(oids);
    const present = new Set<string>();
    if (wanted.size < LIST_THRESHOLD) {
      await forEachLimit([...wanted], STAT_CONCURRENCY, async (oid) => {
        if (await this.statObject(oid)) present.add(oid);
      });
      return present;
    }
    // Many oids: one readdir per prefix directory (at most 256) instead of one stat per object.
    const prefixes = new Set([...wanted].map((oid) => oid.slice(0, 2)));
    await Promise.all([...prefixes].map(async (prefix) => {
      let names: string[];
      try {
        names = await fs.readdir(path.join(this.root, OBJECTS_DIR, prefix));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw this.fail(err, 'could not list');
      }
      for (const rest of names) {
        const oid = prefix + rest;
        if (wanted.has(oid)) present.add(oid);
      }
    }));
    return present;
  }

  /** Where object `oid` lives in this remote's directory (for the fast local copy in localFetch.ts). */
  objectFile(oid: string): string {
    return objectPath(this.root, oid);
  }

  /** A system error of this remote as a CairnError; flaky-mount errors are marked transient. */
  failure(err: unknown, doing: string): CairnError {
    return this.fail(err, doing);
  }

  private async statObject(oid: string): Promise<boolean> {
    try {
      await fs.stat(objectPath(this.root, oid));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.fail(err, `could not check object ${oid} on`);
    }
  }

  async *list(): AsyncIterable<string> {
    // Loose objects only, as on every backend: packed ones are listed through the pack index (src/remote/packs/).
    yield* this.store.listLoose();
  }

  async upload(oid: string, localPath: string, size: number, options: RemoteCallOptions = {}): Promise<void> {
    await this.copyIn(objectPath(this.root, oid), localPath, size, `object ${oid}`, options);
  }

  private async copyIn(final: string, localPath: string, size: number, what: string, options: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    const tmp = tempPathFor(final);
    try {
      await fs.mkdir(path.dirname(final), { recursive: true });
      // The kernel copies (or clones, on a reflink file system) without the bytes passing through JS memory.
      await fs.copyFile(localPath, tmp, fsConstants.COPYFILE_FICLONE);
      await fs.chmod(tmp, 0o444);
      await fs.rename(tmp, final);
      options.onBytes?.(size);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => {});
      throw this.fail(err, `could not upload ${what} to`);
    }
  }

  async listPacks(): Promise<string[]> {
    try {
      return (await fs.readdir(path.join(this.root, 'packs'))).filter(isPackFileName);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.fail(err, 'could not list packs of');
    }
  }

  async uploadPack(file: string, localPath: string, size: number, options: RemoteCallOptions = {}): Promise<void> {
    await this.copyIn(path.join(this.root, packFileRel(this.name, file)), localPath, size, `pack file ${file}`, options);
  }

  async downloadPack(file: string, options: PackReadOptions = {}): Promise<Readable> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path.join(this.root, packFileRel(this.name, file)), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw packNotFound(this.name, this.displayUrl, file);
      throw this.fail(err, `could not read pack file ${file} from`);
    }
    const { range } = options;
    if (range?.length === 0) {
      await handle.close();
      return Readable.from([]);
    }
    // A positioned read: only the range's bytes are read from the file.
    return handle.createReadStream({ highWaterMark: 1 << 20, autoClose: true, ...(range ? { start: range.offset, end: range.offset + range.length - 1 } : {}) });
  }

  async removePacks(files: string[]): Promise<void> {
    this.assertWritable();
    for (const file of files) {
      try {
        await fs.rm(path.join(this.root, packFileRel(this.name, file)), { force: true });
      } catch (err) {
        throw this.fail(err, `could not remove pack file ${file} from`);
      }
    }
  }

  async download(oid: string): Promise<Readable> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(objectPath(this.root, oid), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CairnError('NOT_FOUND', `object ${oid} is not on remote "${this.name}" (${this.displayUrl})`, {
          hint: 'push it from a repo that has it with `cairn push`', data: { oid },
        });
      }
      throw this.fail(err, `could not read object ${oid} from`);
    }
    return handle.createReadStream({ highWaterMark: 1 << 20, autoClose: true });
  }

  async remove(oids: string[]): Promise<void> {
    this.assertWritable();
    for (const oid of oids) {
      try {
        await fs.rm(objectPath(this.root, oid), { force: true });
      } catch (err) {
        throw this.fail(err, `could not remove object ${oid} from`);
      }
    }
  }

  private metaPath(key: string): string {
    if (!isSafeRelPath(key)) {
      throw new CairnError('INVALID', `bad metadata key "${key}" for remote "${this.name}"`, { hint: 'keys are relative /-separated paths without ".."' });
    }
    return path.join(this.root, META_DIR, ...key.split('/'));
  }

  async putMeta(key: string, data: Buffer): Promise<void> {
    this.assertWritable();
    const file = this.metaPath(key);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, data, { fsync: false });
    } catch (err) {
      throw this.fail(err, `could not write ${key} to`);
    }
  }

  async getMeta(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.metaPath(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.fail(err, `could not read ${key} from`);
    }
  }

  async listMeta(prefix: string): Promise<string[]> {
    return listMetaKeys(prefix, async (dir) => {
      let entries;
      try {
        entries = await fs.readdir(path.join(this.root, META_DIR, ...dir.split('/')), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
        throw this.fail(err, 'could not list metadata of');
      }
      // Dot files are the temp files of writes in progress (writeFileAtomic names them so).
      return entries.filter((e) => !e.name.startsWith('.')).map((e) => ({ name: e.name, dir: e.isDirectory() }));
    });
  }

  async close(): Promise<void> {}

  private assertWritable(): void {
    if (this.readOnly) throw readOnlyError(this.name, this.displayUrl, 'read_only = true');
  }

  private fail(err: unknown, doing: string): CairnError {
    if (err instanceof CairnError) return err;
    const e = fromSystemError(err, `${doing} remote "${this.name}" (${this.displayUrl})`);
    if (e.code === 'INTERNAL') {
      const errno = (err as NodeJS.ErrnoException).code;
      // A mounted network directory can drop out for a moment; those errors deserve a retry.
      const transient = errno === 'EIO' || errno === 'ETIMEDOUT' || errno === 'ESTALE';
      return new CairnError('REMOTE', e.message, { cause: err, data: { transient } });
    }
    return e;
  }
}

/** Opens a local-directory remote; `dir` is already absolute. The directory is created on the first upload. */
export async function openLocalRemote(name: string, dir: string, options: RemoteOptions, _ctx: RunContext): Promise<LocalRemote> {
  const readOnly = options.read_only === true || options.read_only === 'true';
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) {
      throw new CairnError('INVALID', `remote "${name}" points at ${dir}, which is not a directory`, {
        hint: `fix it with \`cairn remote modify ${name} url /path/to/dir\``,
      });
    }
  } catch (err) {
    if (err instanceof CairnError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(err, `could not open remote "${name}" (${dir})`);
  }
  return new LocalRemote(name, dir, readOnly);
}
