import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git } from './git.js';
import { CairnError } from '../core/errors.js';

/** Refs, commits and worktrees for experiments: plumbing only, so the user's branches and index are never touched. */

export interface RefInfo {
  ref: string;
  commit: string;
  /** The commit's first parent ('' for a root commit). */
  parent: string;
  /** Committer time, ms. */
  time: number;
  subject: string;
  body: string;
}

const SEP = '\x1f';
const END = '\x1e';

/** Every ref under `prefix` (e.g. `refs/cairn/exps/`) with its commit, parent, time and message, in one git call. */
export async function listRefs(cwd: string, prefix: string): Promise<RefInfo[]> {
  const format = ['%(refname)', '%(objectname)', '%(parent)', '%(committerdate:unix)', '%(contents:subject)', '%(contents:body)'].join(SEP) + END;
  const r = await git(cwd, ['for-each-ref', `--format=${format}`, prefix]);
  return r.stdout.split(END).map((s) => s.replace(/^\n/, '')).filter(Boolean).map((line) => {
    const [ref, commit, parents, time, subject, body] = line.split(SEP);
    return { ref, commit, parent: (parents ?? '').split(' ')[0] ?? '', time: Number(time) * 1000, subject: subject ?? '', body: body ?? '' };
  });
}

/**
 * Points `ref` at `commit` only if the ref does not exist yet (git's compare-and-swap with an empty old value), so
 * two processes can never take the same name.
 */
export async function createRef(cwd: string, ref: string, commit: string): Promise<boolean> {
  const r = await git(cwd, ['update-ref', '--no-deref', ref, commit, ''], { allowFail: true });
  return r.code === 0;
}

/** Moves or creates `ref` unconditionally. */
export async function setRef(cwd: string, ref: string, commit: string): Promise<void> {
  await git(cwd, ['update-ref', '--no-deref', ref, commit]);
}

export async function deleteRef(cwd: string, ref: string): Promise<void> {
  await git(cwd, ['update-ref', '-d', ref]);
}

/** Whether git knows who the user is; experiments fall back to a neutral identity otherwise. */
async function identityArgs(cwd: string): Promise<string[]> {
  const r = await git(cwd, ['var', 'GIT_COMMITTER_IDENT'], { allowFail: true });
  return r.code === 0 ? [] : ['-c', 'user.name=cairn', '-c', 'user.email=cairn@localhost'];
}

/**
 * Records everything in a worktree (as `git add -A` would stage it) as a commit on `parent`, without moving HEAD or
 * any branch. With `useTempIndex` the user's own index is left exactly as it was (for runs in the workspace itself).
 */
export async function commitWorktree(cwd: string, options: { parent: string; message: string; useTempIndex?: boolean }): Promise<string> {
  let env: Record<string, string> | undefined;
  let tmp: string | null = null;
  if (options.useTempIndex) {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cairn-index-'));
    env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    await git(cwd, ['read-tree', options.parent], { env });
  }
  try {
    await git(cwd, ['add', '-A'], { env });
    const tree = (await git(cwd, ['write-tree'], { env })).stdout.trim();
    const ident = await identityArgs(cwd);
    const r = await git(cwd, [...ident, 'commit-tree', tree, '-p', options.parent, '-F', '-'], { input: options.message });
    return r.stdout.trim();
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** A detached worktree of `rev` at `dir` (which must not exist). */
export async function addWorktree(cwd: string, dir: string, rev: string): Promise<void> {
  // The user's hooks are not run: a post-checkout hook (`cairn install`'s among them) has no business in a scratch copy.
  const r = await git(cwd, ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--quiet', dir, rev], { allowFail: true });
  if (r.code !== 0) {
    throw new CairnError('INTERNAL', `could not create a Git worktree for the experiment: ${r.stderr.trim()}`, {
      hint: 'check that the repository has at least one commit and that `git worktree list` works',
    });
  }
}

/**
 * Removes a worktree made by addWorktree, even with changes inside, and forgets it. `git worktree prune` runs only
 * when the removal failed: pruning while another process adds a worktree can delete that one's half-written entry.
 */
export async function removeWorktree(cwd: string, dir: string): Promise<void> {
  const r = await git(cwd, ['worktree', 'remove', '--force', '--force', dir], { allowFail: true });
  if (r.code !== 0) {
    await rm(dir, { recursive: true, force: true });
    await git(cwd, ['worktree', 'prune'], { allowFail: true });
  }
}

/** Paths that differ from HEAD in the working tree (staged or not), and untracked files Git does not ignore. */
export async function dirtyPaths(cwd: string): Promise<{ changed: string[]; deleted: string[] }> {
  const r = await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const entry of r.stdout.split('\0').filter(Boolean)) {
    const code = entry.slice(0, 2);
    const file = entry.slice(3);
    if (code.includes('D')) deleted.push(file);
    else changed.push(file);
  }
  return { changed, deleted };
}

/** Files that differ between two commits: A(dded), M(odified), D(eleted) (renames as delete + add). */
export async function diffNames(cwd: string, from: string, to: string): Promise<Array<{ status: 'A' | 'M' | 'D'; path: string }>> {
  const r = await git(cwd, ['diff', '--name-status', '--no-renames', '-z', from, to]);
  const parts = r.stdout.split('\0').filter(Boolean);
  const out: Array<{ status: 'A' | 'M' | 'D'; path: string }> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const s = parts[i][0];
    out.push({ status: s === 'A' ? 'A' : s === 'D' ? 'D' : 'M', path: parts[i + 1] });
  }
  return out;
}

/** Creates a branch at `commit`; false when a branch of that name exists. */
export async function createBranch(cwd: string, branch: string, commit: string): Promise<boolean> {
  const check = await git(cwd, ['check-ref-format', '--branch', branch], { allowFail: true });
  if (check.code !== 0) throw new CairnError('USAGE', `"${branch}" is not a valid branch name`, { hint: 'see `git check-ref-format --help` for the rules' });
  return createRef(cwd, `refs/heads/${branch}`, commit);
}

/**
 * A commit on `parent` whose tree is the working tree as `git add -A` would record it, with `files` (repo-relative
 * path → content) put in on top — built in a temporary index, so neither the user's index nor any file changes.
 */
export async function commitSnapshot(cwd: string, options: { parent: string; message: string; files: Map<string, Buffer> }): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cairn-index-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    await git(cwd, ['read-tree', options.parent], { env });
    await git(cwd, ['add', '-A', '--', ':/'], { env });
    for (const [file, content] of options.files) {
      const blob = (await git(cwd, ['hash-object', '-w', '--stdin', '--path', file], { input: content.toString('utf8') })).stdout.trim();
      await git(cwd, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env });
    }
    const tree = (await git(cwd, ['write-tree'], { env })).stdout.trim();
    const ident = await identityArgs(cwd);
    return (await git(cwd, [...ident, 'commit-tree', tree, '-p', options.parent, '-F', '-'], { input: options.message })).stdout.trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Deletes `ref` only if it still points at `commit`: of several processes, exactly one wins (a queue claim). */
export async function claimRef(cwd: string, ref: string, commit: string): Promise<boolean> {
  return (await git(cwd, ['update-ref', '-d', ref, commit], { allowFail: true })).code === 0;
}

/** Pushes refspecs to a Git remote (a name or URL); the error names what the remote refused. */
export async function pushRefs(cwd: string, remote: string, refspecs: string[], options: { force?: boolean } = {}): Promise<void> {
  const r = await git(cwd, ['push', '--porcelain', ...(options.force ? ['--force'] : []), remote, ...refspecs], { allowFail: true });
  if (r.code !== 0) {
    const rejected = r.stdout.split('\n').filter((l) => l.startsWith('!')).map((l) => l.split('\t')[1]?.split(':')[1]).filter(Boolean);
    throw new CairnError('REMOTE', `git push to ${remote} failed${rejected.length ? `: ${rejected.join(', ')} rejected (the remote has other commits there)` : `: ${r.stderr.trim().split('\n').pop()}`}`, {
      hint: rejected.length ? 'pull them first with `cairn exp pull`, or overwrite them with --force' : 'check the Git remote name or URL and your access to it',
    });
  }
}

/** Fetches refspecs from a Git remote (a name or URL). */
export async function fetchRefs(cwd: string, remote: string, refspecs: string[], options: { force?: boolean } = {}): Promise<void> {
  const r = await git(cwd, ['fetch', '--no-tags', '--quiet', remote, ...refspecs.map((s) => (options.force ? `+${s}` : s))], { allowFail: true });
  if (r.code !== 0) {
    throw new CairnError('REMOTE', `git fetch from ${remote} failed: ${r.stderr.trim().split('\n').pop()}`, {
      hint: /rejected|non-fast-forward/.test(r.stderr) ? 'a local experiment of that name differs; remove it or use --force' : 'check the Git remote name or URL and your access to it',
    });
  }
}

/** The refs under `prefix` a Git remote has (name → commit), without fetching anything. */
export async function remoteRefs(cwd: string, remote: string, prefix: string): Promise<Map<string, string>> {
  const r = await git(cwd, ['ls-remote', '--refs', remote, `${prefix}*`], { allowFail: true });
  if (r.code !== 0) throw new CairnError('REMOTE', `could not list ${remote}: ${r.stderr.trim().split('\n').pop()}`, { hint: 'check the Git remote name or URL and your access to it' });
  return new Map(r.stdout.split('\n').filter(Boolean).map((l) => {
    const [commit, ref] = l.split('\t');
    return [ref, commit];
  }));
}
