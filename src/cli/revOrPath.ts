import { existsSync } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { POINTER_SUFFIX } from '../data/pointer.js';
import { git } from '../git/git.js';

/** A user-typed path as a repo-relative prefix ('' for the root). Lexical: at a past revision it need not exist. */
export function repoPrefix(repo: Repo, cwd: string, input: string): string {
  const rel = path.relative(repo.root, path.resolve(cwd, input));
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new CairnError('USAGE', `${input} is outside the repository (${repo.root})`, { hint: 'name a path inside the repository' });
  }
  return rel.split(path.sep).join('/');
}

/** Whether an argument names something in the workspace: the path itself or its pointer file. */
export function existsInWorkspace(cwd: string, input: string): boolean {
  const abs = path.resolve(cwd, input);
  return existsSync(abs) || existsSync(abs.replace(/[\\/]+$/, '') + POINTER_SUFFIX);
}

/** Whether an argument names a Git commit (a branch, tag, commit id or expression like HEAD~2). */
export async function isRev(repo: Repo, arg: string): Promise<boolean> {
  if (!repo.git) return false;
  return (await git(repo.root, ['rev-parse', '--verify', '--quiet', `${arg}^{commit}`], { allowFail: true })).code === 0;
}

export function neitherRevNorPath(arg: string): CairnError {
  return new CairnError('NOT_FOUND', `"${arg}" is neither a Git revision nor a tracked path`, {
    hint: 'use a branch, tag or commit id that `git log` shows, or a path that `cairn ls` lists',
  });
}
