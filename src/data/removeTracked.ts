import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { removeFromGitignore } from './gitignore.js';
import { resolveUserPath } from './pathRules.js';
import { POINTER_SUFFIX } from './pointer.js';
import { readWorkspacePointers } from './workspacePointers.js';

export interface RemovedPath {
  /** Repo-relative data path that is no longer tracked. */
  path: string;
  pointer: string;
  /** The `.gitignore` that lost its entry (repo-relative), if any. */
  gitignore: string | null;
  /** Whether the workspace data was deleted too (`--outs`). */
  deletedData: boolean;
}

/** A tracked path named by the user, checked: its data path and pointer file, absolute and repo-relative. */
export interface TrackedTarget {
  rel: string;
  abs: string;
  pointerAbs: string;
}

/** Resolves a user path (data path or pointer path) to a tracked path, with clear errors for anything else. */
export async function resolveTracked(repo: Repo, cwd: string, input: string, doing: string): Promise<TrackedTarget> {
  const { rel, abs } = resolveUserPath(repo, cwd, input, { allowPointer: true });
  const pointerAbs = abs + POINTER_SUFFIX;
  if (existsSync(pointerAbs)) return { rel, abs, pointerAbs };
  const owner = (await readWorkspacePointers(repo)).find((p) => p.pointer.kind === 'dir' && rel.startsWith(p.dataPath + '/'));
  if (owner) {
    throw new CairnError('USAGE', `cannot ${doing} ${rel}: it is a file inside the tracked directory ${owner.dataPath}`, {
      hint: `${doing} the whole directory (${owner.dataPath}), or change the file and run \`cairn commit ${owner.dataPath}\``,
    });
  }
  throw new CairnError('NOT_FOUND', `cannot ${doing} ${rel}: it is not tracked by cairn (no ${rel}${POINTER_SUFFIX})`, {
    hint: 'run `cairn ls` to see the tracked paths',
  });
}

/**
 * Stops tracking paths: deletes each pointer file and its `.gitignore` entry; with `deleteData` also the workspace
 * data. Cache objects are never deleted here (that is `cairn gc`). Every path is checked before anything changes.
 */
export async function removeTracked(repo: Repo, cwd: string, inputs: string[], options: { deleteData?: boolean } = {}): Promise<RemovedPath[]> {
  if (inputs.length === 0) throw new CairnError('USAGE', 'name at least one tracked path to remove', { hint: 'for example: cairn remove data/' });
  const targets: TrackedTarget[] = [];
  for (const input of inputs) {
    const t = await resolveTracked(repo, cwd, input, 'remove');
    if (!targets.some((x) => x.rel === t.rel)) targets.push(t);
  }
  const removed: RemovedPath[] = [];
  for (const t of targets) {
    try {
      if (options.deleteData) await fs.rm(t.abs, { recursive: true, force: true });
      await fs.rm(t.pointerAbs, { force: true });
    } catch (err) {
      throw fromSystemError(err, `could not remove ${t.rel}`);
    }
    const ignoreFile = await removeFromGitignore(t.abs);
    removed.push({
      path: t.rel,
      pointer: t.rel + POINTER_SUFFIX,
      gitignore: ignoreFile ? path.relative(repo.root, ignoreFile).split(path.sep).join('/') : null,
      deletedData: Boolean(options.deleteData),
    });
  }
  return removed;
}
