import { chmodSync, constants, copyFileSync, linkSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { removeQuietly, statOf, tmpName, type FileStat, type StoreParams } from './fileOps.js';

/** Once reflink fails with "not supported" on this file system, stop paying for the attempt on every file. */
let reflinkUnsupported = false;

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
      if (mode === 'reflink' || mode === 'copy') {
        // copy still asks for a clone first (COPYFILE_FICLONE falls back to copy_file_range by itself).
        copyFileSync(obj, tmp, mode === 'reflink' ? constants.COPYFILE_FICLONE_FORCE : constants.COPYFILE_FICLONE);
        // The object is read-only; a copied workspace file is the user's to edit.
        chmodSync(tmp, exec ? params.fileMode | ((params.fileMode & 0o444) >> 2) : params.fileMode);
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

