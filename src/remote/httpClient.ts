import { Readable, Transform } from 'node:stream';
import { CairnError, redactSecrets } from '../core/errors.js';
import { objectRelPath } from '../data/objectPath.js';
import { assertMetaKey, stringSetting, type BackendInit } from './backendInit.js';

/** An HTTP(S) base URL plus credentials, shared by the WebDAV and read-only HTTP backends. */
export interface HttpTarget {
  remote: string;
  kind: string;
  displayUrl: string;
  /** Always ends with `/`; never holds credentials. */
  base: URL;
  authorization?: string;
}

/** Builds the target from the remote URL (`scheme` mapped to http/https) and its user/password settings. */
export function httpTarget(init: BackendInit, kind: string, schemes: Record<string, 'http:' | 'https:'>): HttpTarget {
  let url: URL;
  try {
    url = new URL(init.url);
  } catch {
    throw new CairnError('INVALID', `remote "${init.name}": ${redactSecrets(init.url)} is not a valid URL`, {
      hint: `use ${Object.keys(schemes).map((s) => `${s}//host[:port]/path`).join(' or ')}`,
    });
  }
  const protocol = schemes[url.protocol];
  if (!protocol || !url.hostname) {
    throw new CairnError('INVALID', `remote "${init.name}": ${redactSecrets(init.url)} is not a ${kind} URL`, {
      hint: `use ${Object.keys(schemes).map((s) => `${s}//host[:port]/path`).join(' or ')}`,
    });
  }
  const user = stringSetting(init, 'user') ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = stringSetting(init, 'password') ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const token = stringSetting(init, 'token');
  const base = new URL(`${protocol}//${url.host}${url.pathname.replace(/\/*$/, '/')}`);
  return {
    remote: init.name,
    kind,
    displayUrl: redactSecrets(init.url),
    base,
    ...(token !== undefined ? { authorization: `Bearer ${token}` }
      : user !== undefined ? { authorization: `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}` } : {}),
  };
}

/** The absolute URL of a relative, `/`-separated path below the base (each segment escaped). */
export function urlFor(target: HttpTarget, rel: string): URL {
  return new URL(rel.split('/').map(encodeURIComponent).join('/'), target.base);
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  signal?: AbortSignal;
  /** Statuses that are not errors for this call besides 2xx (e.g. 404 for a HEAD that checks existence). */
  allow?: number[];
  /** `rel` is already an absolute URL (of the same server). */
  absolute?: boolean;
}

/** Sends one request; network failures and error statuses become CairnErrors naming the remote and the action. */
export async function request(target: HttpTarget, method: string, rel: string, what: string, options: RequestOptions = {}): Promise<Response> {
  const url = options.absolute ? new URL(rel) : urlFor(target, rel);
  const streaming = options.body instanceof ReadableStream;
  const send = () => fetch(url, {
    method,
    headers: { ...(target.authorization ? { authorization: target.authorization } : {}), ...options.headers },
    body: options.body,
    signal: options.signal,
    redirect: 'follow',
    ...(streaming ? { duplex: 'half' } : {}),
  } as RequestInit);
  let res: Response;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        res = await send();
        break;
      } catch (err) {
        // A kept-alive connection the server had just closed fails at once; a replayable request gets fresh tries.
        if (streaming || attempt >= 3 || (err as Error).name === 'AbortError' || !isStaleSocket(err)) throw err;
      }
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw new CairnError('INTERRUPTED', `${what} on remote "${target.remote}" was interrupted`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CairnError('REMOTE', `could not reach remote "${target.remote}" (${target.displayUrl}) to ${what}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, {
      hint: 'check that the server is up and the URL is right, then try again',
      cause: err,
      data: { transient: true },
    });
  }
  if (res.ok || options.allow?.includes(res.status)) return res;
  await res.body?.cancel().catch(() => {});
  throw statusError(target, res.status, what);
}

function isStaleSocket(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** Maps an HTTP status to the matching error code and a message that names the remote (URL redacted). */
export function statusError(target: HttpTarget, status: number, what: string): CairnError {
  const where = `remote "${target.remote}" (${target.displayUrl})`;
  if (status === 401) {
    return new CairnError('AUTH', `authentication to ${where} failed (HTTP 401) while trying to ${what}`, {
      hint: target.authorization
        ? `check the user and password: \`cairn remote modify --local ${target.remote} password <password>\``
        : `the server wants credentials: \`cairn remote modify ${target.remote} user <name>\` and \`cairn remote modify --local ${target.remote} password <password>\``,
    });
  }
  if (status === 403) return new CairnError('PERMISSION', `${where} refused to ${what} (HTTP 403)`, { hint: 'check that this user may read and write there' });
  if (status === 404) return new CairnError('NOT_FOUND', `${where}: could not ${what}: not found (HTTP 404)`);
  if (status === 507) return new CairnError('NO_SPACE', `${where} is out of space (HTTP 507) while trying to ${what}`, { hint: 'free space on the server' });
  const transient = status >= 500 || status === 408 || status === 429;
  return new CairnError('REMOTE', `${where} failed to ${what} (HTTP ${status})`, { hint: 'check the server logs, then try again', data: { status, transient } });
}

/** GET of a file below the base; null when the server answers 404. */
async function getOrNull(target: HttpTarget, rel: string, what: string, signal?: AbortSignal): Promise<Response | null> {
  const res = await request(target, 'GET', rel, what, { signal, allow: [404] });
  if (res.status !== 404) return res;
  await res.body?.cancel().catch(() => {});
  return null;
}

/** The bytes of object `oid` as a stream (Remote.download for both HTTP backends); NOT_FOUND when it is missing. */
export async function downloadObject(target: HttpTarget, oid: string, options?: { signal?: AbortSignal; onBytes?: (bytes: number) => void }): Promise<Readable> {
  const res = await getOrNull(target, objectRelPath(oid), `download object ${oid}`, options?.signal);
  if (!res) throw new CairnError('NOT_FOUND', `object ${oid} is not on remote "${target.remote}" (${target.displayUrl})`, { data: { oid } });
  return bodyStream(res, options?.onBytes);
}

/** A metadata file's bytes, or null when there is none (Remote.getMeta for both HTTP backends). */
export async function readMetaFile(target: HttpTarget, key: string, signal?: AbortSignal): Promise<Buffer | null> {
  assertMetaKey(target.remote, key);
  const res = await getOrNull(target, `meta/${key}`, `read meta/${key}`, signal);
  return res ? Buffer.from(await res.arrayBuffer()) : null;
}

/** A Node stream of a response body that reports the running byte count. */
export function bodyStream(res: Response, onBytes?: (bytes: number) => void): Readable {
  const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) : Readable.from([]);
  if (!onBytes) return body;
  let total = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      onBytes(total);
      cb(null, chunk);
    },
  });
  body.on('error', (err) => counter.destroy(err));
  return body.pipe(counter);
}

/** hrefs in an HTML page or a WebDAV multistatus, decoded, in document order. Pure. */
export function extractHrefs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/<(?:[A-Za-z][\w-]*:)?href>([^<]*)<\/(?:[A-Za-z][\w-]*:)?href>|href="([^"]*)"/g)) {
    const raw = (m[1] ?? m[2]).replace(/&amp;/g, '&');
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      out.push(raw);
    }
  }
  return out;
}
