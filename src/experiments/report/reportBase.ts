import { CairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { git, resolveRev } from '../../git/git.js';

/** Branches tried, in order, as the default branch when `origin/HEAD` is not set (a clone made by CI usually has it). */
const DEFAULT_BRANCHES = ['origin/main', 'origin/master', 'main', 'master'];

async function commitOf(repo: Repo, rev: string): Promise<string | null> {
  const r = await git(repo.root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { allowFail: true });
  return r.code === 0 ? r.stdout.trim() : null;
}

/** The default branch: what `origin/HEAD` points at, else the first of origin/main, origin/master, main, master. */
async function defaultBranch(repo: Repo): Promise<string | null> {
  const head = await git(repo.root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], { allowFail: true });
  if (head.code === 0 && head.stdout.trim()) return head.stdout.trim();
  for (const b of DEFAULT_BRANCHES) if (await commitOf(repo, b)) return b;
  return null;
}

/**
 * The base a report compares with when none is given, as a pull request sees it: the merge base of HEAD and the
 * default branch (what the branch started from, so changes that landed on main since are not shown as this branch's).
 * On the default branch itself (the merge base is HEAD), the commit before: what the last commit changed.
 */
export async function reportBase(repo: Repo): Promise<{ rev: string; commit: string; why: string }> {
  const head = await resolveRev(repo.root, 'HEAD');
  const branch = await defaultBranch(repo);
  if (branch) {
    const base = await git(repo.root, ['merge-base', 'HEAD', branch], { allowFail: true });
    const commit = base.stdout.trim();
    if (base.code === 0 && commit && commit !== head) return { rev: commit.slice(0, 12), commit, why: `the merge base of HEAD and ${branch}` };
  }
  const parent = await commitOf(repo, 'HEAD~1');
  if (!parent) {
    throw new CairnError('NOT_FOUND', 'HEAD has no parent commit and no default branch to compare with', {
      hint: 'give the base: `cairn report --rev REV` (a branch, tag or commit)',
    });
  }
  return { rev: 'HEAD~1', commit: parent, why: branch ? `HEAD is on ${branch}: the commit before it` : 'no default branch: the commit before HEAD' };
}
