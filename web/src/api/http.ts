/**
 * The one way the UI calls the server: JSON in and out, the token (when the server needs one) as a bearer header,
 * errors as ApiError carrying cairn's code, hint and data (the filter parser's `column`, for instance).
 */

const TOKEN_KEY = 'cairn.token';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string,
    readonly hint?: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) window.localStorage.setItem(TOKEN_KEY, token);
  else window.localStorage.removeItem(TOKEN_KEY);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Query string of a GET (arrays repeat the key, as MLflow reads `run_ids=a&run_ids=b`). */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Where the API is: the page's own origin and path (the server that served the UI), so a path prefix works. */
function apiBase(): string {
  const { origin, pathname } = window.location;
  return origin + pathname.replace(/[^/]*$/, '');
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(path, apiBase());
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
    else url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  const text = await response.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    // Not JSON: a proxy's error page, say; the status says what happened.
  }
  if (!response.ok) {
    const message = json?.message ?? `${response.status} ${response.statusText}`;
    throw new ApiError(message, response.status, json?.error_code ?? 'HTTP_ERROR', json?.cairn?.hint, json?.cairn?.data);
  }
  if (json === undefined) throw new ApiError(`the server answered ${path} with something that is not JSON`, response.status, 'BAD_RESPONSE');
  return json as T;
}
