import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../../core/repo.js';
import { git, gitAdd, lsFiles } from '../../git/git.js';

/**
 * After a command changed files Git should record (pointers, .gitignore): stages them when `core.autostage` is on,
 * else returns the `git add` line to print. Deleted files are staged only when Git knew them.
 */
export async function stageOrHint(repo: Repo, changed: string[]): Promise<string[]> {
  if (!repo.git || changed.length === 0) return [];
  const known = new Set(await lsFiles(repo.root, changed));
  const paths = [...new Set(changed)].filter((p) => existsSync(path.join(repo.root, p)) || known.has(p));
  if (paths.length === 0) return [];
  if (repo.config.core.autostage) {
    const existing = paths.filter((p) => existsSync(path.join(repo.root, p)));
    const deleted = paths.filter((p) => !existing.includes(p));
    await gitAdd(repo.root, existing);
    if (deleted.length) await git(repo.root, ['rm', '--cached', '--quiet', '--', ...deleted]);
    return [`Staged: ${paths.join(' ')}`];
  }
  return ['', 'To record this with git, run:', '', `\tgit add ${paths.join(' ')}`];
}
