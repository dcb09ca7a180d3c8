import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '../core/atomicWrite.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { resolveUserPath } from './pathRules.js';
import { POINTER_SUFFIX } from './pointer.js';
import { readWorkspacePointers } from './workspacePointers.js';

export interface UnprotectResult {
  path: string;
  /** Files that were links to the cache (or read-only) and are now writable copies. */
  unprotected: number;
  /** Files that were already independent writable copies. */
  unchanged: number;
}

async function listFiles(abs: string): Promise<string[]> {
  const st = await fs.lstat(abs);
  if (!st.isDirectory()) return [abs];
  const out: string[] = [];
  for (const e of await fs.readdir(abs, { withFileTypes: true })) out.push(...(await listFiles(path.join(abs, e.name))));
  return out;
}

/** Replaces one workspace file by a private writable copy if it shares bytes with the cache; says whether it did. */
async function unprotectFile(file: string): Promise<boolean> {
  const lst = await fs.lstat(file);
  const linked = lst.isSymbolicLink() || (lst.isFile() && lst.nlink > 1);
  const readOnly = lst.isFile() && (lst.mode & 0o200) === 0;
  if (!linked && !readOnly) return false;
  const target = await fs.stat(file);
  const mode = (target.mode & 0o777) | 0o200 | ((target.mode & 0o111) ? 0o100 : 0);
  if (!linked) {
    await fs.chmod(file, mode);
    return true;
  }
  // Copy beside the file and rename over it: the file always holds the whole content, and the cache object is
  // never opened for writing.
  const tmp = tempPathFor(file);
  try {
    await fs.copyFile(file, tmp, constants.COPYFILE_FICLONE);
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  return true;
}

/**
 * Turns workspace files of tracked paths that are hardlinks or symlinks into the cache (or read-only) into writable
 * copies, so they can be edited without touching the cache. Each path is checked before anything changes.
 */
export async function unprotectPaths(repo: Repo, cwd: string, inputs: string[]): Promise<UnprotectResult[]> {
  if (inputs.length === 0) throw new CairnError('USAGE', 'name at least one tracked path to unprotect', { hint: 'for example: cairn unprotect model.bin' });
  const tracked = (await readWorkspacePointers(repo)).map((p) => p.dataPath);
  const targets: { rel: string; abs: string }[] = [];
  for (const input of inputs) {
    const t = resolveUserPath(repo, cwd, input, { allowPointer: true });
    if (!tracked.some((d) => t.rel === d || t.rel.startsWith(d + '/'))) {
      throw new CairnError('NOT_FOUND', `cannot unprotect ${t.rel}: it is not tracked by cairn (no ${t.rel}${POINTER_SUFFIX})`, {
        hint: 'run `cairn ls` to see the tracked paths',
      });
    }
    try {
      await fs.lstat(t.abs);
    } catch {
      throw new CairnError('NOT_FOUND', `cannot unprotect ${t.rel}: it is not in the workspace`, { hint: `run \`cairn checkout ${t.rel}\` first` });
    }
    targets.push(t);
  }
  const results: UnprotectResult[] = [];
  for (const t of targets) {
    let unprotected = 0;
    let unchanged = 0;
    for (const file of await listFiles(t.abs)) {
      try {
        if (await unprotectFile(file)) unprotected++;
        else unchanged++;
      } catch (err) {
        throw fromSystemError(err, `could not unprotect ${path.relative(repo.root, file)}`);
      }
    }
    results.push({ path: t.rel, unprotected, unchanged });
  }
  return results;
}
