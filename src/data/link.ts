import {
  chmodSync, closeSync, constants, copyFileSync, fstatSync, linkSync, openSync, readSync, renameSync, statSync, symlinkSync, writeSync,
} from 'node:fs';
import { removeQuietly, statOf, tmpName, type FileStat, type StoreParams } from './fileOps.js';

/** Once reflink fails with "not supported" on this file system, stop paying for the attempt on every file. */
let reflinkUnsupported = false;

/** Files up to this size are copied through memory; larger ones by the kernel (copy_file_range). */
const SMALL_COPY = 256 << 10;

/** Copies a small object to a new file created with `mode`; false (nothing done) when the object is not small. */
function copySmall(obj: string, tmp: string, mode: number): boolean {
  const fd = openSync(obj, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > SMALL_COPY) return false;
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    let n: number;
    while (got < size && (n = readSync(fd, buf, got, size - got, null)) > 0) got += n;
    const out = openSync(tmp, 'wx', mode);
    try {
      let off = 0;
      while (off < got) off += writeSync(out, buf, off, got - off);
    } finally {
      closeSync(out);
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

function isUnsupported(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EOPNOTSUPP' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'EINVAL' || code === 'ENOSYS' || code === 'ERR_FS_CP_EINVAL';
}

/**
 * Makes `dest` a fresh workspace copy of `obj` with the first link mode that works here, through a temp name and a
 * rename, so `dest` always holds either its old bytes or the new ones. Returns the stat of the result.
 */
export function placeFile(obj: string, dest: string, exec: boolean, params: StoreParams): FileStat {
  let lastError: unknown = null;
  for (const mode of params.links) {
    if (mode === 'reflink' && reflinkUnsupported) continue;
    const tmp = tmpName(dest);
    try {
      // The object is read-only; a copied workspace file is the user's to edit.
      const fileMode = exec ? params.fileMode | ((params.fileMode & 0o444) >> 2) : params.fileMode;
      if (mode === 'copy' && copySmall(obj, tmp, fileMode)) {
        // done: a small file costs fewer system calls through one read and one write than through copyFileSync
      } else if (mode === 'reflink' || mode === 'copy') {
        // A copy still asks for a clone first unless clones are known not to work here.
        const flags = mode === 'reflink' ? constants.COPYFILE_FICLONE_FORCE : reflinkUnsupported ? 0 : constants.COPYFILE_FICLONE;
        copyFileSync(obj, tmp, flags);
        chmodSync(tmp, fileMode);
      } else if (mode === 'hardlink') {
        linkSync(obj, tmp);
      } else {
        symlinkSync(obj, tmp);
      }
      renameSync(tmp, dest);
      return statOf(statSync(dest, { bigint: true }));
    } catch (err) {
      removeQuietly(tmp);
      const code = (err as NodeJS.ErrnoException).code;
      if (mode === 'reflink' && isUnsupported(err)) {
        reflinkUnsupported = true;
        continue;
      }
      if (mode === 'hardlink' && (code === 'EXDEV' || code === 'EMLINK' || code === 'EPERM')) {
        lastError = err;
        continue;
      }
      if (mode === 'symlink' && code === 'EPERM') {
        lastError = err;
        continue;
      }
      throw err;
    }
  }
  throw lastError ?? new Error(`no link mode in [${params.links.join(', ')}] works for ${dest}`);
}

/** After `add`, replaces the workspace file by a link to its object when the first working mode is not a plain copy. */
export function linkWorkspace(obj: string, abs: string, params: StoreParams): FileStat | null {
  const modes = [...params.links];
  // A plain copy is what the workspace file already is: nothing to do.
  const copyAt = modes.indexOf('copy');
  const wanted = copyAt >= 0 ? modes.slice(0, copyAt) : modes;
  if (wanted.length === 0) return null;
  try {
    return placeFile(obj, abs, isExecutable(abs), { ...params, links: copyAt >= 0 ? [...wanted, 'copy'] : wanted });
  } catch (err) {
    if (copyAt >= 0) return null;
    throw err;
  }
}

function isExecutable(abs: string): boolean {
  try {
    return (statSync(abs).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

