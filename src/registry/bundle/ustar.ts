import { CairnError } from '../../core/errors.js';

/** POSIX ustar headers, the tar format every `tar` and Python's tarfile read. Pure. */

export const BLOCK = 512;

export interface TarEntryHeader {
  /** `/`-separated path inside the archive; a folder ends without a slash. */
  path: string;
  type: 'file' | 'dir';
  size: number;
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** Splits a path into ustar's prefix (155) and name (100) fields at a `/`; a path that cannot fit is refused. */
function splitPath(p: string): { prefix: string; name: string } {
  if (Buffer.byteLength(p) <= 100) return { prefix: '', name: p };
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new CairnError('USAGE', `the path ${p} is too long for a tar archive (ustar allows 255 bytes in two parts)`, { hint: 'shorten the file or folder names of the model' });
}

/** One 512-byte header block. */
export function tarHeader(entry: TarEntryHeader): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  const { prefix, name } = splitPath(entry.type === 'dir' ? `${entry.path}/` : entry.path);
  const put = (text: string, offset: number, width: number) => block.write(text, offset, Math.min(width, Buffer.byteLength(text)), 'utf8');
  put(name, 0, 100);
  put(octal(entry.mode & 0o7777, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(entry.type === 'dir' ? 0 : entry.size, 12), 124, 12);
  put(octal(Math.floor(entry.mtime), 12), 136, 12);
  block.fill(' ', 148, 156);
  put(entry.type === 'dir' ? '5' : '0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put('cairn', 265, 32);
  put('cairn', 297, 32);
  put(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

/** Zero bytes that pad a file's content to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);
}

/** The two zero blocks that end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK, 0);
