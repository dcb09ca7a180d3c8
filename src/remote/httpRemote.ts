import type { Readable } from 'node:stream';
import { CairnError } from '../core/errors.js';
import { objectRelPath, oidFromRelPath } from '../data/objectPath.js';
import { httpPackRead } from './packs/httpPackRead.js';
import { isPackFileName } from './packs/packFileName.js';
import type { PackReadOptions, Remote, RemoteCallOptions } from './remote.js';
import { forEachLimit } from './forEachLimit.js';
import { readOnlyError, type BackendInit } from './backendInit.js';
import { downloadObject, extractHrefs, httpTarget, readMetaFile, request, type HttpTarget } from './httpClient.js';
import { listMetaKeys } from './listMetaKeys.js';

const CONCURRENCY = 32;
/** Above this many oids, exists() reads the prefix folders' index pages when the server has them. */
const LIST_THRESHOLD = 64;

/** Child names in a server's HTML directory index (nginx autoindex, Apache, python -m http.server); `/` marks folders. Pure. */
export function parseIndexPage(html: string): string[] {
  const names = new Set<string>();
  for (const href of extractHrefs(html)) {
    // Only plain relative names: skip parent links, absolute links, sort links (?C=N) and fragments.
    if (!href || href.startsWith('/') || href.startsWith('.') || /[?#:]/.test(href)) continue;
    const name = href.replace(/^\.\//, '');
    if (/^[^/]+\/?$/.test(name)) names.add(name);
  }
  return [...names];
}

/**
 * A read-only remote over plain HTTP(S): any static file server that publishes a remote's folder (objects/ and meta/).
 * Reads use GET and HEAD; listing needs the server's directory index; every write is refused.
 */
export class HttpRemote implements Remote {
  readonly name: string;
  readonly displayUrl: string;
  readonly readOnly = true;
  private readonly target: HttpTarget;
  /** Whether the server answers folder URLs with index pages (unknown until asked). */
  private indexes: boolean | undefined;

  constructor(init: BackendInit) {
    this.target = httpTarget(init, 'HTTP', { 'http:': 'http:', 'https:': 'https:' });
    this.name = init.name;
    this.displayUrl = this.target.displayUrl;
  }

  /** Entries of a directory index page, or [] when the folder does not exist. */
  private async index(rel: string, signal?: AbortSignal): Promise<string[]> {
    const res = await request(this.target, 'GET', rel.replace(/\/*$/, '/'), `list ${rel}/`, { signal, allow: [404, 403] });
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      return [];
    }
    if (res.status === 403 || !(res.headers.get('content-type') ?? '').includes('html')) {
      await res.body?.cancel().catch(() => {});
      throw new CairnError('REMOTE', `remote "${this.name}" (${this.displayUrl}) does not publish directory listings, so its objects cannot be listed`, {
        hint: 'turn on directory indexes on the server (nginx: autoindex on), or list through the backend that wrote the files',
        data: { noIndex: true },
      });
    }
    return parseIndexPage(await res.text());
  }

  async exists(oids: string[], options?: RemoteCallOptions): Promise<Set<string>> {
    const wanted = [...new Set(oids)];
    if (wanted.length > LIST_THRESHOLD && this.indexes !== false) {
      const listed = await this.existsByIndex(wanted, options?.signal);
      if (listed) return listed;
    }
    const found = new Set<string>();
    await forEachLimit(wanted, CONCURRENCY, async (oid) => {
      const res = await request(this.target, 'HEAD', objectRelPath(oid), `check object ${oid}`, { signal: options?.signal, allow: [404, 403] });
      await res.body?.cancel().catch(() => {});
      if (res.ok) found.add(oid);
    });
    return found;
  }

  /** One index page per prefix folder instead of one HEAD per object; null when the server publishes no indexes. */
  private async existsByIndex(wanted: string[], signal?: AbortSignal): Promise<Set<string> | null> {
    const names = new Set<string>();
    try {
      await forEachLimit([...new Set(wanted.map((o) => o.slice(0, 2)))], CONCURRENCY, async (prefix) => {
        for (const name of await this.index(`objects/${prefix}`, signal)) names.add(prefix + name);
      });
    } catch (err) {
      if (err instanceof CairnError && err.data?.noIndex) {
        this.indexes = false;
        return null;
      }
      throw err;
    }
    this.indexes = true;
    return new Set(wanted.filter((oid) => names.has(oid)));
  }

  async *list(options?: RemoteCallOptions): AsyncIterable<string> {
    const prefixes = (await this.index('objects', options?.signal)).filter((n) => /^[0-9a-f]{2}\/$/.test(n)).sort();
    for (const prefix of prefixes) {
      for (const name of await this.index(`objects/${prefix.slice(0, 2)}`, options?.signal)) {
        const oid = oidFromRelPath(`objects/${prefix}${name}`);
        if (oid) yield oid;
      }
    }
  }

  async upload(): Promise<void> {
    throw readOnlyError(this.name, this.displayUrl, 'http');
  }

  async download(oid: string, options?: RemoteCallOptions): Promise<Readable> {
    return downloadObject(this.target, oid, options);
  }

  async remove(): Promise<void> {
    throw readOnlyError(this.name, this.displayUrl, 'http');
  }

  async listPacks(options?: RemoteCallOptions): Promise<string[]> {
    return (await this.index('packs', options?.signal)).filter(isPackFileName);
  }

  async uploadPack(): Promise<void> {
    throw readOnlyError(this.name, this.displayUrl, 'http');
  }

  async downloadPack(file: string, options?: PackReadOptions): Promise<Readable> {
    return httpPackRead(this.target, file, options);
  }

  async removePacks(): Promise<void> {
    throw readOnlyError(this.name, this.displayUrl, 'http');
  }

  async putMeta(): Promise<void> {
    throw readOnlyError(this.name, this.displayUrl, 'http');
  }

  async getMeta(key: string, options?: RemoteCallOptions): Promise<Buffer | null> {
    return readMetaFile(this.target, key, options?.signal);
  }

  async listMeta(prefix: string, options?: RemoteCallOptions): Promise<string[]> {
    return listMetaKeys(prefix, async (dir) => (await this.index(dir ? `meta/${dir}` : 'meta', options?.signal))
      .map((name) => ({ name: name.replace(/\/$/, ''), dir: name.endsWith('/') })));
  }

  async close(): Promise<void> {
    // fetch keeps no per-remote state to release.
  }
}

/** The `http://` and `https://` factory for REMOTE_FACTORIES. */
export async function openHttpRemote(name: string, url: string, options: Record<string, string | number | boolean>, ctx: { env: Record<string, string | undefined> }): Promise<HttpRemote> {
  return new HttpRemote({ name, url, settings: options, env: ctx.env });
}
