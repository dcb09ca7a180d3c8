import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { SFTPWrapper, Stats } from 'ssh2';
import { CairnError, fromSystemError } from '../core/errors.js';
import { objectRelPath, oidFromRelPath } from '../data/objectPath.js';
import { isPackFileName, packFileRel, packNotFound } from './packs/packFileName.js';
import type { PackReadOptions, Remote, RemoteCallOptions } from './remote.js';
import { forEachLimit } from './forEachLimit.js';
import { assertMetaKey, readOnlyError, readOnlySetting, type BackendInit } from './backendInit.js';
import { sshTarget } from './sftpTarget.js';
import { openSftpSession, untilLost, type SftpSession, type SshTarget } from './sftpSession.js';
import { SftpReadStream } from './sftpReadStream.js';
import { listMetaKeys } from './listMetaKeys.js';

/** SFTP status codes (draft-ietf-secsh-filexfer) that we tell apart. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
/** Above this many oids, exists() lists the prefix folders instead of asking about each object. */
const LIST_THRESHOLD = 64;
const CONCURRENCY = 32;
const LOCAL_ERRNO = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'EMFILE', 'ENFILE']);

type SftpError = Error & { code?: number | string };

/** `fallback` where the server says there is no such file; any other failure stands. */
function unlessMissing<T, F>(promise: Promise<T>, fallback: F): Promise<T | F> {
  return promise.catch((err: CairnError) => {
    if (err.code === 'NOT_FOUND') return fallback;
    throw err;
  });
}

interface Connection {
  promise: Promise<SftpSession>;
  failed: boolean;
  session: SftpSession | null;
}

/** A remote on an SSH server through SFTP: one connection, several channels, pipelined reads, atomic renames. */
export class SftpRemote implements Remote {
  readonly name: string;
  readonly displayUrl: string;
  readonly readOnly: boolean;
  private readonly target: SshTarget & { root: string };
  private conn: Connection | null = null;
  private readonly madeDirs = new Set<string>();

  constructor(init: BackendInit) {
    this.target = sshTarget(init);
    this.name = init.name;
    this.displayUrl = this.target.displayUrl;
    this.readOnly = readOnlySetting(init);
  }

  private assertWritable(): void {
    if (this.readOnly) throw readOnlyError(this.name, this.displayUrl, 'read_only = true');
  }

  /**
   * The open session, or a new one when there is none, the last attempt failed, or the server went away. Callers
   * waiting on an attempt share its outcome (one failed login is one error, not one per parallel request); the next
   * call after a failure, such as a retry by the transfer layer, connects afresh.
   */
  private connect(): Promise<SftpSession> {
    const c = this.conn;
    if (c && !c.failed && !c.session?.closed) return c.promise;
    this.madeDirs.clear();
    const next: Connection = { promise: openSftpSession(this.target), failed: false, session: null };
    next.promise.then((s) => { next.session = s; }, () => { next.failed = true; });
    this.conn = next;
    return next.promise;
  }

  /** Runs one SFTP request on the least busy channel and turns its failure into a CairnError about `what`. */
  private async call<T>(what: string, fn: (sftp: SFTPWrapper, done: (err: SftpError | null | undefined, value?: T) => void) => void): Promise<T> {
    const session = await this.connect();
    const sftp = session.pick();
    try {
      return await untilLost(session, new Promise<T>((resolve, reject) => fn(sftp, (err, value) => (err ? reject(err) : resolve(value as T)))));
    } catch (err) {
      throw this.wrap(err as SftpError, what);
    } finally {
      session.release(sftp);
    }
  }

  private wrap(err: SftpError, what: string): CairnError {
    if (err instanceof CairnError) return err;
    // A string errno comes from this machine (a local file that vanished or cannot be read), not from the server.
    if (typeof err.code === 'string' && LOCAL_ERRNO.has(err.code)) return fromSystemError(err, `${what} for remote "${this.name}"`);
    const where = `${what} on remote "${this.name}" (${this.displayUrl})`;
    if (err.code === NO_SUCH_FILE) return new CairnError('NOT_FOUND', `${where}: no such file`, { cause: err, data: { onRemote: true } });
    if (err.code === PERMISSION_DENIED) {
      return new CairnError('PERMISSION', `${where}: permission denied`, { hint: 'check that the SSH user may write to the remote folder', cause: err });
    }
    // Anything else is the connection or the server failing under us: worth a retry on a fresh connection.
    return new CairnError('REMOTE', `${where} failed: ${err.message}`, { hint: 'check the connection to the server and try again', cause: err, data: { transient: true } });
  }

  private abs(rel: string): string {
    return `${this.target.root}/${rel}`;
  }

  private stat(rel: string): Promise<Stats | null> {
    return unlessMissing(this.call<Stats>(`stat ${rel}`, (s, done) => s.stat(this.abs(rel), done)), null);
  }

  /** A folder's entries, or [] when it does not exist. */
  private readdir(rel: string): Promise<{ filename: string; attrs: Stats }[]> {
    return unlessMissing(this.call<{ filename: string; attrs: Stats }[]>(`list ${rel}`, (s, done) => s.readdir(this.abs(rel), done)), []);
  }

  /** mkdir -p (the root included), remembering what exists so a batch of uploads asks once per folder. */
  private async mkdirs(rel: string): Promise<void> {
    await this.mkdirsAbs(rel === '.' || rel === '' ? this.target.root : this.abs(rel));
  }

  private async mkdirsAbs(dir: string): Promise<void> {
    if (dir === '/' || dir === '.' || this.madeDirs.has(dir)) return;
    const st = await unlessMissing(this.call<Stats>(`stat ${dir}`, (s, done) => s.stat(dir, done)), null);
    if (!st) {
      await this.mkdirsAbs(path.posix.dirname(dir));
      await this.call<void>(`create folder ${dir}`, (s, done) => s.mkdir(dir, done)).catch(async (err) => {
        // Another uploader may have created it in the meantime.
        const again = await this.call<Stats>(`stat ${dir}`, (s, done) => s.stat(dir, done)).catch(() => null);
        if (!again?.isDirectory()) throw err;
      });
    } else if (!st.isDirectory()) {
      throw new CairnError('REMOTE', `remote "${this.name}": ${dir} exists and is not a folder`, { hint: 'point the remote at a folder cairn owns' });
    }
    this.madeDirs.add(dir);
  }

  /** Runs a write into `rel`'s folder; if the folder was removed behind our back (another clone's gc), makes it again once. */
  private async withFolder(rel: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (!(err instanceof CairnError) || err.code !== 'NOT_FOUND' || !err.data?.onRemote) throw err;
      this.madeDirs.clear();
      await this.mkdirs(path.posix.dirname(rel));
      await write();
    }
  }

  /** Renames a finished temp file onto its final name (replacing it), with the posix-rename extension where offered. */
  private async publish(tmp: string, final: string): Promise<void> {
    const session = await this.connect();
    const hasPosix = (session.channels[0] as unknown as { _extensions?: Record<string, string> })._extensions?.['posix-rename@openssh.com'];
    if (hasPosix) {
      await this.call<void>(`rename ${tmp}`, (s, done) => s.ext_openssh_rename(this.abs(tmp), this.abs(final), done));
      return;
    }
    try {
      await this.call<void>(`rename ${tmp}`, (s, done) => s.rename(this.abs(tmp), this.abs(final), done));
    } catch (err) {
      // Plain SFTP rename refuses to overwrite; an existing final object has the same bytes, so keep it.
      if (!(await this.stat(final))) throw err;
      await this.call<void>(`remove ${tmp}`, (s, done) => s.unlink(this.abs(tmp), done)).catch(() => {});
    }
  }

  private tempName(rel: string): string {
    return `${path.posix.dirname(rel)}/.tmp-${path.posix.basename(rel).slice(0, 16)}-${randomBytes(6).toString('hex')}`;
  }

  async exists(oids: string[], options?: RemoteCallOptions): Promise<Set<string>> {
    const wanted = [...new Set(oids)];
    const found = new Set<string>();
    if (wanted.length > LIST_THRESHOLD) {
      const prefixes = [...new Set(wanted.map((o) => o.slice(0, 2)))];
      const names = new Set<string>();
      await forEachLimit(prefixes, CONCURRENCY, async (prefix) => {
        options?.signal?.throwIfAborted();
        for (const { filename } of await this.readdir(`objects/${prefix}`)) names.add(prefix + filename);
      });
      for (const oid of wanted) if (names.has(oid)) found.add(oid);
      return found;
    }
    await forEachLimit(wanted, CONCURRENCY, async (oid) => {
      options?.signal?.throwIfAborted();
      if ((await this.stat(objectRelPath(oid)))?.isFile()) found.add(oid);
    });
    return found;
  }

  async *list(options?: RemoteCallOptions): AsyncIterable<string> {
    for (const prefix of (await this.readdir('objects')).map((i) => i.filename).sort()) {
      options?.signal?.throwIfAborted();
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const { filename } of await this.readdir(`objects/${prefix}`)) {
        const oid = oidFromRelPath(`objects/${prefix}/${filename}`);
        if (oid) yield oid;
      }
    }
  }

  async upload(oid: string, localPath: string, _size: number, options?: RemoteCallOptions): Promise<void> {
    await this.putFile(objectRelPath(oid), localPath, oid, options);
  }

  private async putFile(rel: string, localPath: string, what: string, options?: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    await this.mkdirs(path.posix.dirname(rel));
    const tmp = this.tempName(rel);
    options?.signal?.throwIfAborted();
    const put = () => this.call<void>(`upload ${what}`, (s, done) => s.fastPut(localPath, this.abs(tmp), {
      concurrency: 16,
      chunkSize: 32 * 1024,
      step: (transferred) => options?.onBytes?.(transferred),
    }, done));
    try {
      await this.withFolder(rel, put);
      await this.publish(tmp, rel);
    } catch (err) {
      await this.call<void>(`remove ${tmp}`, (s, done) => s.unlink(this.abs(tmp), done)).catch(() => {});
      throw err;
    }
  }

  async download(oid: string, options?: RemoteCallOptions): Promise<Readable> {
    try {
      return await this.openRead(objectRelPath(oid), oid, options);
    } catch (err) {
      if (err instanceof CairnError && err.code === 'NOT_FOUND') throw new CairnError('NOT_FOUND', `object ${oid} is not on remote "${this.name}" (${this.displayUrl})`, { data: { oid } });
      throw err;
    }
  }

  /** A stream of a remote file, or of `range` of it (reads at an offset, several in flight). */
  private async openRead(rel: string, what: string, options?: PackReadOptions): Promise<Readable> {
    const session = await this.connect();
    const sftp = session.pick();
    try {
      const handle = await untilLost(session, new Promise<Buffer>((resolve, reject) => sftp.open(this.abs(rel), 'r', (err, h) => (err ? reject(err) : resolve(h)))));
      const st = await untilLost(session, new Promise<Stats>((resolve, reject) => sftp.fstat(handle, (err, s) => (err ? reject(err) : resolve(s)))));
      const range = options?.range;
      const end = range ? Math.min(st.size, range.offset + range.length) : st.size;
      const stream = new SftpReadStream(sftp, handle, end, () => session.release(sftp), options?.onBytes, range?.offset);
      // Both subscriptions end with the stream: one abort listener per download on the command's one signal
      // otherwise passes Node's limit of 10 (MaxListenersExceededWarning) in any pull of more than 10 objects.
      const offLost = session.onLost((err) => stream.destroy(err));
      const signal = options?.signal;
      const onAbort = () => stream.destroy(new CairnError('INTERRUPTED', `download of ${what} was interrupted`));
      signal?.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => {
        offLost();
        signal?.removeEventListener('abort', onAbort);
      });
      return stream;
    } catch (err) {
      session.release(sftp);
      throw this.wrap(err as SftpError, `download ${what}`);
    }
  }

  async listPacks(): Promise<string[]> {
    return (await this.readdir('packs')).map((i) => i.filename).filter(isPackFileName);
  }

  async uploadPack(file: string, localPath: string, _size: number, options?: RemoteCallOptions): Promise<void> {
    await this.putFile(packFileRel(this.name, file), localPath, `pack file ${file}`, options);
  }

  async downloadPack(file: string, options?: PackReadOptions): Promise<Readable> {
    try {
      return await this.openRead(packFileRel(this.name, file), `pack file ${file}`, options);
    } catch (err) {
      if (err instanceof CairnError && err.code === 'NOT_FOUND') throw packNotFound(this.name, this.displayUrl, file);
      throw err;
    }
  }

  async removePacks(files: string[], options?: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    await forEachLimit([...new Set(files)], CONCURRENCY, async (file) => {
      options?.signal?.throwIfAborted();
      const rel = packFileRel(this.name, file);
      await this.call<void>(`remove ${rel}`, (s, done) => s.unlink(this.abs(rel), done)).catch((err: CairnError) => {
        if (err.code !== 'NOT_FOUND') throw err;
      });
    });
  }

  async remove(oids: string[], options?: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    await forEachLimit([...new Set(oids)], CONCURRENCY, async (oid) => {
      options?.signal?.throwIfAborted();
      await this.call<void>(`remove ${oid}`, (s, done) => s.unlink(this.abs(objectRelPath(oid)), done)).catch((err: CairnError) => {
        if (err.code !== 'NOT_FOUND') throw err;
      });
    });
  }

  async putMeta(key: string, data: Buffer): Promise<void> {
    this.assertWritable();
    assertMetaKey(this.name, key);
    const rel = `meta/${key}`;
    await this.mkdirs(path.posix.dirname(rel));
    const tmp = this.tempName(rel);
    await this.withFolder(rel, () => this.call<void>(`write ${rel}`, (s, done) => s.writeFile(this.abs(tmp), data, done)));
    await this.publish(tmp, rel);
  }

  async getMeta(key: string): Promise<Buffer | null> {
    assertMetaKey(this.name, key);
    return unlessMissing(this.call<Buffer>(`read meta/${key}`, (s, done) => s.readFile(this.abs(`meta/${key}`), done)), null);
  }

  async listMeta(prefix: string): Promise<string[]> {
    return listMetaKeys(prefix, async (dir) => (await this.readdir(dir ? `meta/${dir}` : 'meta'))
      .map((item) => ({ name: item.filename, dir: item.attrs.isDirectory() })));
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = null;
    if (!c) return;
    const session = await c.promise.catch(() => null);
    if (session && !session.closed) session.client.end();
  }
}

/** The `ssh://` factory for REMOTE_FACTORIES. */
export async function openSftpRemote(name: string, url: string, options: Record<string, string | number | boolean>, ctx: { env: Record<string, string | undefined> }): Promise<SftpRemote> {
  return new SftpRemote({ name, url, settings: options, env: ctx.env });
}
