import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Readable as NodeReadable } from 'node:stream';
import { CairnError, fromSystemError } from '../core/errors.js';
import { objectRelPath, oidFromRelPath } from '../data/objectPath.js';
import { httpPackRead } from './packs/httpPackRead.js';
import { isPackFileName, packFileRel } from './packs/packFileName.js';
import type { PackReadOptions, Remote, RemoteCallOptions } from './remote.js';
import { forEachLimit } from './forEachLimit.js';
import { assertMetaKey, readOnlyError, readOnlySetting, type BackendInit } from './backendInit.js';
import { downloadObject, extractHrefs, httpTarget, readMetaFile, request, urlFor, type HttpTarget } from './httpClient.js';
import { listMetaKeys } from './listMetaKeys.js';

const LIST_THRESHOLD = 64;
const CONCURRENCY = 16;

interface DavEntry {
  /** Name relative to the listed collection (no slashes). */
  name: string;
  collection: boolean;
}

/** Splits a PROPFIND multistatus into its responses: the decoded href path and whether it is a collection. Pure. */
export function parseMultistatus(xml: string): { path: string; collection: boolean }[] {
  const out: { path: string; collection: boolean }[] = [];
  const parts = xml.split(/<(?:[A-Za-z][\w-]*:)?response[\s>]/).slice(1);
  for (const part of parts) {
    const href = extractHrefs(part)[0];
    if (href === undefined) continue;
    const hrefPath = /^[a-z]+:\/\//i.test(href) ? decodeURIComponent(new URL(href).pathname) : href;
    out.push({ path: hrefPath, collection: /<(?:[A-Za-z][\w-]*:)?collection\s*\/>/.test(part) });
  }
  return out;
}

/** A remote on a WebDAV server (Apache mod_dav, nginx dav, Nextcloud...): PUT to a temp name, then MOVE into place. */
export class WebdavRemote implements Remote {
  readonly name: string;
  readonly displayUrl: string;
  readonly readOnly: boolean;
  private readonly target: HttpTarget;
  /** Folders known to exist (or being created), so parallel uploads share one MKCOL per folder. */
  private readonly collections = new Map<string, Promise<void>>();

  constructor(init: BackendInit) {
    this.target = httpTarget(init, 'WebDAV', { 'webdav:': 'http:', 'webdavs:': 'https:' });
    this.name = init.name;
    this.displayUrl = this.target.displayUrl;
    this.readOnly = readOnlySetting(init);
  }

  private assertWritable(): void {
    if (this.readOnly) throw readOnlyError(this.name, this.displayUrl, 'read_only = true');
  }

  /** Children of a collection, or [] when it does not exist. */
  private async children(rel: string, signal?: AbortSignal): Promise<DavEntry[]> {
    const dir = rel.replace(/\/*$/, '/');
    const res = await request(this.target, 'PROPFIND', dir, `list ${dir}`, {
      headers: { depth: '1', 'content-type': 'application/xml' },
      body: '<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><resourcetype/></prop></propfind>',
      signal,
      allow: [404],
    });
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      return [];
    }
    const self = decodeURIComponent(urlFor(this.target, dir).pathname).replace(/\/*$/, '/');
    const entries: DavEntry[] = [];
    for (const item of parseMultistatus(await res.text())) {
      const p = item.path.replace(/\/*$/, '');
      if (!(p + '/').startsWith(self) || p + '/' === self) continue;
      const name = p.slice(self.length);
      if (name && !name.includes('/')) entries.push({ name, collection: item.collection });
    }
    return entries;
  }

  /** MKCOL with parents (the remote's own folder included): tries the folder first, walks up only on 409. */
  private async mkcol(rel: string, signal?: AbortSignal): Promise<void> {
    const dir = rel === '.' || rel === '' ? '' : `${rel}/`;
    await this.mkcolAbs(urlFor(this.target, dir).pathname.replace(/\/*$/, '/'), signal);
  }

  private mkcolAbs(pathname: string, signal?: AbortSignal): Promise<void> {
    if (pathname === '/') return Promise.resolve();
    let pending = this.collections.get(pathname);
    if (!pending) {
      pending = this.createCollection(pathname, signal);
      this.collections.set(pathname, pending);
      pending.catch(() => this.collections.delete(pathname));
    }
    return pending;
  }

  private async createCollection(pathname: string, signal?: AbortSignal): Promise<void> {
    const url = new URL(pathname, this.target.base);
    const attempt = async () => {
      const res = await request(this.target, 'MKCOL', url.href, `create folder ${decodeURIComponent(pathname)}`, { signal, allow: [405, 409], absolute: true });
      await res.body?.cancel().catch(() => {});
      return res.status;
    };
    if ((await attempt()) === 409) {
      await this.mkcolAbs(pathname.replace(/[^/]+\/$/, ''), signal);
      if ((await attempt()) === 409) {
        throw new CairnError('REMOTE', `remote "${this.name}" (${this.displayUrl}) could not create folder ${decodeURIComponent(pathname)} (HTTP 409)`, {
          hint: 'check that the URL points into a WebDAV share',
        });
      }
    }
  }

  /** Moves a finished temp resource over its final name (Overwrite: T), so readers never see a partial object. */
  private async move(tmp: string, final: string, signal?: AbortSignal): Promise<void> {
    const res = await request(this.target, 'MOVE', tmp, `move ${tmp} into place`, {
      headers: { destination: urlFor(this.target, final).href, overwrite: 'T' },
      signal,
    });
    await res.body?.cancel().catch(() => {});
  }

  /** PUT to a temp name, then MOVE into place; `body` is called again if the folder vanished and the PUT is retried. */
  private async put(rel: string, body: () => RequestInit['body'], size: number, signal?: AbortSignal): Promise<void> {
    this.assertWritable();
    const dir = path.posix.dirname(rel);
    await this.mkcol(dir, signal);
    const tmp = `${dir}/.tmp-${path.posix.basename(rel).slice(0, 16)}-${randomBytes(6).toString('hex')}`;
    const send = () => request(this.target, 'PUT', tmp, `upload ${rel}`, {
      headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
      body: body(),
      signal,
      allow: [409],
    });
    try {
      let res = await send();
      await res.body?.cancel().catch(() => {});
      if (res.status === 409) {
        // The folder was removed behind our back (another clone's gc, a manual clean-up): make it again, once.
        this.collections.clear();
        await this.mkcol(dir, signal);
        res = await send();
        await res.body?.cancel().catch(() => {});
        if (res.status === 409) throw new CairnError('REMOTE', `remote "${this.name}" (${this.displayUrl}) refused to store ${rel} (HTTP 409)`, { hint: 'check that the URL points into a WebDAV share' });
      }
      await this.move(tmp, rel, signal);
    } catch (err) {
      await request(this.target, 'DELETE', tmp, `remove ${tmp}`, { allow: [404] }).then((r) => r.body?.cancel()).catch(() => {});
      throw err;
    }
  }

  async exists(oids: string[], options?: RemoteCallOptions): Promise<Set<string>> {
    const wanted = [...new Set(oids)];
    const found = new Set<string>();
    if (wanted.length > LIST_THRESHOLD) {
      const names = new Set<string>();
      const prefixes = [...new Set(wanted.map((o) => o.slice(0, 2)))];
      await forEachLimit(prefixes, CONCURRENCY, async (prefix) => {
        for (const e of await this.children(`objects/${prefix}`, options?.signal)) if (!e.collection) names.add(prefix + e.name);
      });
      for (const oid of wanted) if (names.has(oid)) found.add(oid);
      return found;
    }
    await forEachLimit(wanted, CONCURRENCY, async (oid) => {
      const res = await request(this.target, 'HEAD', objectRelPath(oid), `check object ${oid}`, { signal: options?.signal, allow: [404] });
      await res.body?.cancel().catch(() => {});
      if (res.ok) found.add(oid);
    });
    return found;
  }

  async *list(options?: RemoteCallOptions): AsyncIterable<string> {
    const prefixes = (await this.children('objects', options?.signal)).filter((e) => e.collection && /^[0-9a-f]{2}$/.test(e.name));
    for (const prefix of prefixes.map((e) => e.name).sort()) {
      for (const e of await this.children(`objects/${prefix}`, options?.signal)) {
        const oid = oidFromRelPath(`objects/${prefix}/${e.name}`);
        if (oid && !e.collection) yield oid;
      }
    }
  }

  async upload(oid: string, localPath: string, _size: number, options?: RemoteCallOptions): Promise<void> {
    await this.putFile(objectRelPath(oid), localPath, options);
  }

  private async putFile(rel: string, localPath: string, options?: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    let size: number;
    try {
      size = (await fs.stat(localPath)).size;
    } catch (err) {
      throw fromSystemError(err, `could not read ${localPath} to upload it to remote "${this.name}"`);
    }
    const body = () => {
      let sent = 0;
      const file = createReadStream(localPath, { highWaterMark: 1 << 20 });
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sent += chunk.length;
          options?.onBytes?.(sent);
          cb(null, chunk);
        },
      });
      file.on('error', (err) => counter.destroy(err));
      return Readable.toWeb(file.pipe(counter)) as unknown as RequestInit['body'];
    };
    await this.put(rel, body, size, options?.signal);
  }

  async listPacks(options?: RemoteCallOptions): Promise<string[]> {
    return (await this.children('packs', options?.signal)).filter((e) => !e.collection && isPackFileName(e.name)).map((e) => e.name);
  }

  async uploadPack(file: string, localPath: string, _size: number, options?: RemoteCallOptions): Promise<void> {
    await this.putFile(packFileRel(this.name, file), localPath, options);
  }

  async downloadPack(file: string, options?: PackReadOptions): Promise<NodeReadable> {
    return httpPackRead(this.target, file, options);
  }

  async removePacks(files: string[], options?: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    await forEachLimit([...new Set(files)], CONCURRENCY, async (file) => {
      const rel = packFileRel(this.name, file);
      const res = await request(this.target, 'DELETE', rel, `remove ${rel}`, { signal: options?.signal, allow: [404] });
      await res.body?.cancel().catch(() => {});
    });
  }

  async download(oid: string, options?: RemoteCallOptions): Promise<NodeReadable> {
    return downloadObject(this.target, oid, options);
  }

  async remove(oids: string[], options?: RemoteCallOptions): Promise<void> {
    this.assertWritable();
    await forEachLimit([...new Set(oids)], CONCURRENCY, async (oid) => {
      const res = await request(this.target, 'DELETE', objectRelPath(oid), `remove object ${oid}`, { signal: options?.signal, allow: [404] });
      await res.body?.cancel().catch(() => {});
    });
  }

  async putMeta(key: string, data: Buffer, options?: RemoteCallOptions): Promise<void> {
    assertMetaKey(this.name, key);
    await this.put(`meta/${key}`, () => data, data.length, options?.signal);
  }

  async getMeta(key: string, options?: RemoteCallOptions): Promise<Buffer | null> {
    return readMetaFile(this.target, key, options?.signal);
  }

  async listMeta(prefix: string, options?: RemoteCallOptions): Promise<string[]> {
    return listMetaKeys(prefix, async (dir) => (await this.children(dir ? `meta/${dir}` : 'meta', options?.signal))
      .map((e) => ({ name: e.name, dir: e.collection })));
  }

  async close(): Promise<void> {
    // fetch keeps no per-remote state to release.
  }
}

/** The `webdav://` and `webdavs://` factory for REMOTE_FACTORIES. */
export async function openWebdavRemote(name: string, url: string, options: Record<string, string | number | boolean>, ctx: { env: Record<string, string | undefined> }): Promise<WebdavRemote> {
  return new WebdavRemote({ name, url, settings: options, env: ctx.env });
}
