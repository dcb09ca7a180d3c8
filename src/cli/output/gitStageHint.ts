import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../../core/repo.js';
import { git, gitAdd, lsFiles } from '../../git/git.js';

export interface StageResult {
  /** Whether the files were staged (core.autostage). */
  staged: boolean;
  /** Summary lines (dropped by -q): "Staged: ..." or the `git add` the user should run. */
  text: string[];
}

/**
 * After a command changed files Git should record (pointers, .gitignore): stages them when `core.autostage` is on,
 * else returns the `git add` line to print, with paths relative to `cwd`. Deleted files count only when Git knew them.
 */
export async function stageOrHint(repo: Repo, changed: string[], cwd: string = repo.root): Promise<StageResult> {
  if (!repo.git || changed.length === 0) return { staged: false, text: [] };
  const unique = [...new Set(changed)];
  const existing = unique.filter((p) => existsSync(path.join(repo.root, p)));
  const missing = unique.filter((p) => !existing.includes(p));
  const known = missing.length ? new Set(await lsFiles(repo.root, missing)) : new Set<string>();
  const deleted = missing.filter((p) => known.has(p));
  const paths = unique.filter((p) => existing.includes(p) || known.has(p));
  if (paths.length === 0) return { staged: false, text: [] };
  if (repo.config.core.autostage) {
    await gitAdd(repo.root, existing);
    if (deleted.length) await git(repo.root, ['rm', '--cached', '--quiet', '--', ...deleted]);
    return { staged: true, text: [`Staged: ${paths.join(' ')}`] };
  }
  const shown = paths.map((p) => path.relative(cwd, path.join(repo.root, p)) || '.');
  return { staged: false, text: ['', 'To record this with git, run:', '', `\tgit add ${shown.join(' ')}`] };
}
