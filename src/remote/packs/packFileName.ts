import { CairnError } from '../../core/errors.js';
import type { ByteRange } from '../remote.js';

const PACK_FILE = /^[0-9a-f]{64}\.(pack|idx)$/;

/** Whether `file` is a pack file name (`<64 hex>.pack` or `.idx`). Pure. */
export function isPackFileName(file: string): boolean {
  return PACK_FILE.test(file);
}

/** The path of pack file `file` below a remote's base, `packs/<file>`; INVALID for any other name. */
export function packFileRel(remote: string, file: string): string {
  if (!isPackFileName(file)) {
    throw new CairnError('INVALID', `bad pack file name "${file}" for remote "${remote}"`, { hint: 'pack files are named <64 hex>.pack or <64 hex>.idx' });
  }
  return `packs/${file}`;
}

/** The HTTP `Range` header value for a byte range (inclusive end, as RFC 9110 has it). Pure. */
export function rangeHeader(range: ByteRange): string {
  return `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

export function packNotFound(remote: string, displayUrl: string, file: string): CairnError {
  return new CairnError('NOT_FOUND', `pack file ${file} is not on remote "${remote}" (${displayUrl})`, {
    hint: 'another process may have repacked it; run the command again', data: { file },
  });
}
