import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { errorFromApi } from '../../core/errorFromApi.js';
import { CairnError, redactSecrets } from '../../core/errors.js';

/** Credentials for a tracking server, from cairn's or MLflow's environment variables (or the URL's user:password). */
export interface TrackingAuth {
  token?: string;
  username?: string;
  password?: string;
}

/**
 * The credentials a client sends: CAIRN_TRACKING_TOKEN, else MLflow's MLFLOW_TRACKING_TOKEN (bearer), else
 * MLFLOW_TRACKING_USERNAME / PASSWORD (basic), as MLflow's own clients send them.
 */
export function trackingAuthFromEnv(env: Record<string, string | undefined>): TrackingAuth {
  const token = env.CAIRN_TRACKING_TOKEN || env.MLFLOW_TRACKING_TOKEN;
  if (token) return { token };
  if (env.MLFLOW_TRACKING_USERNAME) return { username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD ?? '' };
  return {};
}

export interface TrackingHttpClientOptions {
  /** http(s)://host:port[/prefix]; a user:password in it is basic auth. */
  uri: string;
  auth?: TrackingAuth;
  /** Per request; default 60 s. */
  timeoutMs?: number;
}

export interface JsonCall {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** What the call does, for messages ("get run abc"). */
  doing: string;
}

/**
 * JSON calls to a cairn (or MLflow) server. Errors the server sends become the same CairnError (errorFromApi);
 * a server that cannot be reached or does not answer in time is REMOTE with a hint naming the (redacted) URL.
 * Node's fetch keeps connections alive, so a run's many calls share one socket.
 */
export class TrackingHttpClient {
  /** The server's URL without credentials, ending in `/`. */
  readonly base: URL;
  readonly displayUri: string;
  private readonly authorization?: string;
  private readonly timeoutMs: number;

  constructor(options: TrackingHttpClientOptions) {
    let url: URL;
    try {
      url = new URL(options.uri);
    } catch {
      throw new CairnError('USAGE', `"${redactSecrets(options.uri)}" is not a valid tracking server URL`, { hint: 'write it as http://host:port, e.g. http://127.0.0.1:5000' });
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      throw new CairnError('USAGE', `"${redactSecrets(options.uri)}" is not an http(s) URL of a tracking server`, { hint: 'write it as http://host:port' });
    }
    const auth: TrackingAuth = { ...options.auth };
    if (url.username && !auth.token && auth.username === undefined) {
      auth.username = decodeURIComponent(url.username);
      auth.password = decodeURIComponent(url.password);
    }
    this.base = new URL(`${url.protocol}//${url.host}${url.pathname.replace(/\/*$/, '/')}`);
    this.displayUri = this.base.href.replace(/\/$/, '');
    this.authorization = auth.token
      ? `Bearer ${auth.token}`
      : auth.username !== undefined
        ? `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`
        : undefined;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** A JSON call: GET with a query string, other methods with a JSON body. Returns the parsed response. */
  async json<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, call: JsonCall): Promise<T> {
    const res = await this.send(method, path, {
      query: call.query,
      doing: call.doing,
      ...(method === 'GET' ? {} : { body: JSON.stringify(call.body ?? {}), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    return (text === '' ? {} : parseJson(text, `${call.doing}: the server's answer`)) as T;
  }

  /** A raw request whose error statuses still become CairnErrors; `allow` lists statuses returned as they are. */
  async send(
    method: string,
    path: string,
    options: { query?: JsonCall['query']; body?: RequestInit['body'] | Readable; headers?: Record<string, string>; doing: string; allow?: number[]; timeoutMs?: number },
  ): Promise<Response> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));
    const streaming = options.body instanceof Readable;
    const body = streaming ? (Readable.toWeb(options.body as Readable) as unknown as ReadableStream) : (options.body as RequestInit['body']);
    const init = {
      method,
      headers: { ...(this.authorization ? { authorization: this.authorization } : {}), ...options.headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs),
      ...(streaming ? { duplex: 'half' } : {}),
    } as RequestInit;
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(url, init);
        break;
      } catch (err) {
        // A kept-alive socket the server had just closed fails at once: a request that can be replayed is sent again.
        if (!streaming && attempt < 3 && isStaleSocket(err)) continue;
        throw this.unreachable(err, options.doing, options.timeoutMs ?? this.timeoutMs);
      }
    }
    if (res.ok || options.allow?.includes(res.status)) return res;
    const text = await res.text().catch(() => '');
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(text);
    } catch { /* not JSON: a proxy's page */ }
    const err = errorFromApi(res.status, parsed, `${options.doing} on ${this.displayUri}`);
    if (res.status === 401 && !err.hint) {
      throw new CairnError(err.code, err.message, { hint: 'set CAIRN_TRACKING_TOKEN (or MLFLOW_TRACKING_TOKEN) to a token of the server (`cairn server token create`)', data: err.data });
    }
    throw err;
  }

  private unreachable(err: unknown, doing: string, timeoutMs: number): CairnError {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      return new CairnError('REMOTE', `the tracking server ${this.displayUri} did not answer within ${Math.round(timeoutMs / 1000)} s (${doing})`, {
        hint: `check that the server at ${this.displayUri} is up and not overloaded, then try again`,
        cause: err,
        data: { transient: true },
      });
    }
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    return new CairnError('REMOTE', `could not reach the tracking server ${this.displayUri} to ${doing}: ${why}`, {
      hint: `start it (\`cairn server\`) or check CAIRN_TRACKING_URI (${this.displayUri})`,
      cause: err,
      data: { transient: true },
    });
  }
}

function isStaleSocket(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** JSON, also with the bare NaN / Infinity that Python's json module (and so MLflow's server) writes. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      // Outside strings only: a string token is matched (and kept) first.
      return JSON.parse(text.replace(/"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g, (m) => (m.startsWith('"') ? m : `"${m}"`)));
    } catch {
      throw new CairnError('REMOTE', `${what} is not valid JSON`, { hint: 'check that the URL points at a cairn or MLflow tracking server' });
    }
  }
}

/** A response body as a Node stream. */
export function responseStream(res: Response): Readable {
  return res.body ? Readable.fromWeb(res.body as unknown as WebReadableStream) : Readable.from([]);
}
