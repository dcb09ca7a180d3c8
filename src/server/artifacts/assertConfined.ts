import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../core/errors.js';
import { LocalRemote } from '../../remote/localRemote.js';
import type { Remote } from '../../remote/remote.js';

/**
 * In a folder destination, refuses an object whose path leads out of the folder through a symlink (a planted
 * `objects/ab -> /etc`, or the object file itself a link): bytes are only ever read from and written below the
 * destination itself. The destination folder may itself be a link (a cache moved to another disk). Other remotes
 * have no file system to escape through.
 */
export async function assertConfined(remote: Remote, oid: string): Promise<void> {
  if (!(remote instanceof LocalRemote)) return;
  const root = await realpathOrNull(remote.root);
  if (root === null) return;
  const file = remote.objectFile(oid);
  // The deepest folder on the way that exists must resolve to a place inside the destination.
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const real = await realpathOrNull(dir);
    if (real !== null) {
      if (real !== root && !real.startsWith(root + path.sep)) throw escaped(oid, dir);
      break;
    }
    if (dir === remote.root || path.dirname(dir) === dir) break;
  }
  try {
    if (!(await fs.lstat(file)).isFile()) throw escaped(oid, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function realpathOrNull(p: string): Promise<string | null> {
  try {
    return await fs.realpath(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function escaped(oid: string, where: string): CairnError {
  return new CairnError('PERMISSION', `object ${oid} of the artifact destination is a link leading out of it (${where})`, {
    hint: 'remove the symlink from the destination folder; cairn never follows links out of it',
  });
}
