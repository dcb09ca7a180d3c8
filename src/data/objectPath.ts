import path from 'node:path';
import { CairnError } from '../core/errors.js';
import { isOid } from '../core/hash.js';

/**
 * The layout marker a store gets when whoever creates it names none: 1, loose objects only (a directory remote's own
 * store, for one). A repository's cache is created in `newCacheLayout(config)` instead (2 unless configured).
 */
export const CACHE_LAYOUT_VERSION = 1;
export const OBJECTS_DIR = 'objects';

/** Where an object lives below a cache or remote root: `objects/<2 hex>/<62 hex>`. Pure. */
export function objectRelPath(oid: string): string {
  if (!isOid(oid)) throw new CairnError('INVALID', `not a valid object id: "${oid}"`, { hint: 'an oid is 64 lowercase hex digits (SHA-256)' });
  return `${OBJECTS_DIR}/${oid.slice(0, 2)}/${oid.slice(2)}`;
}

export function objectPath(root: string, oid: string): string {
  return path.join(root, objectRelPath(oid));
}

/** The oid back from a relative object path, or null when the path is not an object. */
export function oidFromRelPath(rel: string): string | null {
  const m = /^objects\/([0-9a-f]{2})\/([0-9a-f]{62})$/.exec(rel.split(path.sep).join('/'));
  return m ? m[1] + m[2] : null;
}
