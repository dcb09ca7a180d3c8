/**
 * A tiny hash router: the whole state of a view lives in the URL (`#/experiments/1?filter=...&sort=...`), so a link
 * can be shared and the back button undoes a change. Pure functions here; `useRoute.ts` binds them to the window.
 */

/** A parsed location: the path after `#` and its query as plain strings (a key given twice keeps the last). */
export interface Location {
  path: string;
  query: Record<string, string>;
}

/** A view's route: `pattern` in `/runs/:id` syntax. */
export interface RouteMatch<T> {
  route: T;
  params: Record<string, string>;
}

/** `#/experiments/1?filter=a` → {path: '/experiments/1', query: {filter: 'a'}}; an empty hash is `/`. */
export function parseHash(hash: string): Location {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) query[k] = v;
  const path = '/' + pathPart.split('/').filter(Boolean).join('/');
  return { path, query };
}

/** The inverse of parseHash; empty query values are left out, so a default state has a short URL. */
export function formatHash(path: string, query: Record<string, string | undefined | null> = {}): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/** The first route whose pattern matches the path, with its `:params` decoded. */
export function matchRoute<T extends { path: string }>(routes: readonly T[], path: string): RouteMatch<T> | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = safeDecode(parts[i]);
      else ok = pattern[i] === parts[i];
    }
    if (ok) return { route, params };
  }
  return null;
}

/** A path with its params encoded: pathFor('/runs/:id', {id: 'a b'}) → '/runs/a%20b'. */
export function pathFor(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
}

/** A list in one query value: comma-separated, each item percent-encoded so commas inside keys survive. */
export function encodeList(items: readonly string[]): string {
  return items.map((s) => s.replace(/%/g, '%25').replace(/,/g, '%2C')).join(',');
}

export function decodeList(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').filter((s) => s !== '').map((s) => s.replace(/%2C/gi, ',').replace(/%25/g, '%'));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
