import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import type { RawConfig } from '../core/config.js';
import { openRepo, type Repo } from '../core/repo.js';
import { checkout } from '../data/checkout.js';
import { gitRoot } from '../git/git.js';
import { addWorktree, dirtyPaths, removeWorktree } from '../git/refs.js';

/** An isolated copy of the workspace an experiment runs in: a detached Git worktree sharing the repo's cache. */
export interface ExpWorkspace {
  /** The cairn repository inside the copy (its cache is the original repo's cache). */
  repo: Repo;
  /** Tracked data that could not be linked in (not in the cache): its stages will fail or rerun. */
  missingData: string[];
  dispose(): Promise<void>;
}

/**
 * Makes the copy: the baseline commit checked out in `.cairn/tmp/exps/`, the user's uncommitted code changes and
 * untracked files copied over (what `git add -A` would record), the local config (remote credentials) copied, and
 * tracked data linked from the shared cache the way `cache.link` says. The user's files are never touched.
 */
export async function openExpWorkspace(repo: Repo, ctx: RunContext, options: {
  name: string; rev: string; copyDirty: boolean;
  /** Settings of the copy beyond the shared cache (verify turns the run cache off). */
  overrides?: RawConfig;
}): Promise<ExpWorkspace> {
  const top = await gitRoot(repo.root);
  const sub = path.relative(top, repo.root);
  const dir = path.join(repo.tmpDir, 'exps', `${options.name}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(path.dirname(dir), { recursive: true });
  await addWorktree(top, dir, options.rev);
  const dispose = () => removeWorktree(top, dir).then(() => rmSync(dir, { recursive: true, force: true }));
  try {
    if (options.copyDirty) {
      const dirty = await dirtyPaths(top);
      for (const file of dirty.changed) {
        const from = path.join(top, file);
        if (!existsSync(from)) continue;
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        copyFileSync(from, path.join(dir, file));
      }
      for (const file of dirty.deleted) rmSync(path.join(dir, file), { force: true });
    }
    const root = path.join(dir, sub);
    // .cairn/ may not be committed yet: the copy still needs one to be a cairn repository.
    mkdirSync(path.join(root, '.cairn'), { recursive: true });
    const local = path.join(repo.cairnDir, 'config.local.toml');
    if (existsSync(local)) copyFileSync(local, path.join(root, '.cairn', 'config.local.toml'));
    const copy = await openRepo({ cwd: root, env: ctx.env, overrides: { ...options.overrides, cache: { dir: repo.cacheDir } } });
    const linked = await checkout(copy, { ...ctx, cwd: root, force: true });
    return { repo: copy, missingData: linked.failed.map((f) => f.path), dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
