import { CairnError } from '../core/errors.js';
import type { Page, PageRequest } from './trackingStore.js';

/** Opaque page tokens: base64url of the offset into the result, tied to the query so a token cannot be reused elsewhere. */
export function encodePageToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint(query) })).toString('base64url');
}

export function decodePageToken(token: string | undefined, query: string): number {
  if (token === undefined || token === '') return 0;
  const { o } = readToken(token, query, (t) => typeof t.o === 'number' && Number.isSafeInteger(t.o) && t.o >= 0);
  return o as number;
}

/** The fields of a token of this query, once `valid` accepts them; any other text is a clear USAGE error. */
function readToken(token: string, query: string, valid: (parsed: Record<string, unknown>) => boolean): Record<string, unknown> {
  let parsed: Record<string, unknown> | null;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badToken(token);
  }
  if (typeof parsed !== 'object' || parsed === null || !valid(parsed)) throw badToken(token);
  if (parsed.q !== fingerprint(query)) {
    throw new CairnError('USAGE', 'the page token belongs to another search', { hint: 'repeat the search with the same filter and order to use its page token' });
  }
  return parsed;
}

/** Page size from a request: MLflow's default when absent, an error beyond the limit. */
export function pageSize(maxResults: number | undefined, defaults: { default: number; max: number }): number {
  if (maxResults === undefined) return defaults.default;
  if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > defaults.max) {
    throw new CairnError('USAGE', `max_results must be a whole number from 1 to ${defaults.max}, not ${String(maxResults)}`);
  }
  return maxResults;
}

function badToken(token: string): CairnError {
  return new CairnError('USAGE', `invalid page token "${token.slice(0, 40)}"`, { hint: 'use the next_page_token of the previous page as it is' });
}

/** A short, stable digest of the query (FNV-1a), enough to catch a token used with another search. */
function fingerprint(query: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < query.length; i++) {
    h ^= query.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/**
 * One page of a search, the same for every backend: `fetch(limit, offset)` reads one row more than the page, so a
 * next_page_token is given only when another page exists; `hydrate` turns the page's rows into entities. `query`
 * identifies the search (its filter, order...), so a token is refused by another one.
 */
export async function fetchPage<K extends string, R, T>(options: {
  key: K;
  request: PageRequest;
  limits: { default: number; max: number };
  query: unknown;
  fetch: (limit: number, offset: number) => R[] | Promise<R[]>;
  hydrate: (rows: R[]) => T[] | Promise<T[]>;
}): Promise<Page<K, T>> {
  const size = pageSize(options.request.max_results, options.limits);
  const query = JSON.stringify(options.query);
  const offset = decodePageToken(options.request.page_token, query);
  const rows = await options.fetch(size + 1, offset);
  const items = await options.hydrate(rows.slice(0, size));
  return { [options.key]: items, ...(rows.length > size ? { next_page_token: encodePageToken(offset + size, query) } : {}) } as Page<K, T>;
}

/**
 * One page by keyset: `fetch` gets the sort key of the last row of the previous page (null for the first) and reads
 * the rows after it, so page N costs what page 1 costs — an OFFSET rescans every row before it, which made the
 * millionth point of a history cost a second on PostgreSQL. `cursorOf` is a row's sort key (numbers; ±Infinity and
 * NaN survive the token). The token is as opaque, and as tied to its query, as an offset one.
 */
export async function fetchKeysetPage<K extends string, R, T>(options: {
  key: K;
  request: PageRequest;
  limits: { default: number; max: number };
  query: unknown;
  fetch: (limit: number, after: number[] | null) => R[] | Promise<R[]>;
  cursorOf: (row: R) => number[];
  hydrate: (rows: R[]) => T[] | Promise<T[]>;
}): Promise<Page<K, T>> {
  const size = pageSize(options.request.max_results, options.limits);
  const query = JSON.stringify(options.query);
  const after = decodeCursorToken(options.request.page_token, query);
  const rows = await options.fetch(size + 1, after);
  const page = rows.slice(0, size);
  const items = await options.hydrate(page);
  const next = rows.length > size ? { next_page_token: encodeCursorToken(options.cursorOf(page[page.length - 1]), query) } : {};
  return { [options.key]: items, ...next } as Page<K, T>;
}

function encodeCursorToken(cursor: number[], query: string): string {
  const c = cursor.map((n) => (Number.isFinite(n) ? n : String(n)));
  return Buffer.from(JSON.stringify({ c, q: fingerprint(query) })).toString('base64url');
}

function decodeCursorToken(token: string | undefined, query: string): number[] | null {
  if (token === undefined || token === '') return null;
  const asNumber = (v: unknown) => (typeof v === 'number' ? v : v === 'Infinity' || v === '-Infinity' || v === 'NaN' ? Number(v) : undefined);
  const { c } = readToken(token, query, (t) => Array.isArray(t.c) && t.c.length > 0 && t.c.every((v) => asNumber(v) !== undefined));
  return (c as unknown[]).map((v) => asNumber(v) as number);
}
