import { CairnError } from '../../core/errors.js';

/** Longest artifact path accepted (MLflow sets none; file systems and object stores stop near here). */
const MAX_PATH_LENGTH = 4096;

/**
 * The artifact path of a request URL's tail (what follows `/mlflow-artifacts/artifacts/`), still percent-encoded.
 * Segments are decoded one by one, so an encoded separator (`a%2F..%2Fb`) cannot smuggle a `..` past the check, then
 * the whole path is checked like any other. A single trailing `/` (a folder, as MLflow's DELETE sends it) is dropped
 * when `folder` allows it. Pure.
 */
export function artifactPathFromUrl(encoded: string, options: { folder?: boolean } = {}): string {
  const raw = options.folder && encoded.endsWith('/') ? encoded.slice(0, -1) : encoded;
  const segments = raw.split('/').map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw badPath(raw, 'it is not valid percent-encoding');
    }
    if (decoded.includes('/')) throw badPath(raw, 'an encoded "/" inside a segment is not a separator cairn accepts');
    return decoded;
  });
  return checkArtifactPath(segments.join('/'));
}

/**
 * Checks a relative artifact path: `/`-separated, never absolute, never `..` or `.`, no empty segment, no backslash,
 * no NUL. Returns it unchanged; `''` (the root) only when `root` allows it. Pure.
 */
export function checkArtifactPath(p: string, options: { root?: boolean } = {}): string {
  if (p === '') {
    if (options.root) return p;
    throw badPath(p, 'it is empty');
  }
  if (p.length > MAX_PATH_LENGTH) throw badPath(`${p.slice(0, 60)}...`, `it is longer than ${MAX_PATH_LENGTH} characters`);
  if (p.includes('\0')) throw badPath(p, 'it contains a NUL character');
  if (p.includes('\\')) throw badPath(p, 'it contains a backslash');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) throw badPath(p, 'it is absolute');
  for (const segment of p.split('/')) {
    if (segment === '') throw badPath(p, 'it has an empty segment ("//" or a trailing "/")');
    if (segment === '..' || segment === '.') throw badPath(p, `it has a "${segment}" segment`);
  }
  return p;
}

function badPath(p: string, why: string): CairnError {
  return new CairnError('USAGE', `Invalid artifact path ${JSON.stringify(p)}: ${why}`, {
    hint: 'artifact paths are relative, "/"-separated and stay below the artifact root (no "..", no leading "/")',
    data: { mlflow_code: 'INVALID_PARAMETER_VALUE', path: p },
  });
}
