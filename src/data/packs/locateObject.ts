import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { CairnError } from '../../core/errors.js';
import { objectPath } from '../objectPath.js';
import { packSetFor, type PackedLocation } from './packSet.js';

export type ObjectLocation = { kind: 'loose'; file: string } | ({ kind: 'packed' } & PackedLocation);

/**
 * Where object `oid` of the store at `root` is: the loose file, else its place in a pack, else null. The one
 * fallback every reader goes through (loose, then packed, then not found), so layout 1 and 2 stores read alike.
 */
export function locateObject(root: string, oid: string): ObjectLocation | null {
  const file = objectPath(root, oid);
  if (existsSync(file)) return { kind: 'loose', file };
  const packed = packSetFor(root).lookup(oid, true);
  return packed ? { kind: 'packed', ...packed } : null;
}

/** Reads `length` bytes at `offset` of a file with positioned reads. */
export function readRangeSync(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) {
        throw new CairnError('INTEGRITY', `pack ${file} is shorter than its index says (${offset + got} of ${offset + length} bytes)`, {
          hint: 'run `cairn fsck` to find the damaged pack',
        });
      }
      got += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of a packed object; a pack removed meanwhile (a repack) is looked up once more. */
export function readPackedSync(root: string, oid: string, loc: PackedLocation): Buffer {
  try {
    return readRangeSync(loc.file, loc.offset, loc.length);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const set = packSetFor(root);
    set.refresh();
    const again = set.lookup(oid);
    if (!again || again.file === loc.file) throw err;
    return readRangeSync(again.file, again.offset, again.length);
  }
}

/**
 * The bytes of object `oid`, loose or packed (small objects such as chunk manifests may be packed, by
 * `cairn cache migrate` for instance); throws ENOENT when the store has neither.
 */
export function readObjectSync(root: string, oid: string): Buffer {
  const loc = locateObject(root, oid);
  if (loc?.kind === 'packed') return readPackedSync(root, oid, loc);
  return readFileSync(objectPath(root, oid));
}
