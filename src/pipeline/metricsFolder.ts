import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../core/repo.js';
import { git } from '../git/git.js';
import { cachedFilesUnder } from './outputTextAt.js';

/** A metrics path that is a folder stands for the JSON, YAML and TOML files inside it, as in DVC. */

const METRICS_EXT = /\.(json|ya?ml|toml)$/i;

/** The metrics files in `dir` in the workspace, repo-relative and sorted; null when `dir` is not a folder. */
async function workspaceFiles(repo: Repo, dir: string): Promise<string[] | null> {
  const abs = path.join(repo.root, dir);
  try {
    if (!(await fs.stat(abs)).isDirectory()) return null;
  } catch {
    return null;
  }
  const names = (await fs.readdir(abs, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return names.map((e) => path.relative(repo.root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/')).sort();
}

/** The metrics files under `dir` at a revision: committed ones, else those of a cached folder output there. */
async function filesAt(repo: Repo, dir: string, rev: string): Promise<string[] | null> {
  const r = await git(repo.root, ['ls-tree', '-r', '-z', '--name-only', rev, '--', `./${dir}/`], { allowFail: true });
  const committed = r.code === 0 ? r.stdout.split('\0').filter(Boolean) : [];
  if (committed.length) return committed.sort();
  return cachedFilesUnder(repo, dir, rev);
}

/** Each metrics path as the files it stands for: itself for a file (or an absent path), the metrics files of a folder. */
export async function expandMetricsFolders(repo: Repo, files: string[], rev?: string): Promise<string[]> {
  const expanded = await Promise.all(files.map(async (f) => {
    const inside = rev === undefined ? await workspaceFiles(repo, f) : await filesAt(repo, f, rev);
    return inside === null ? [f] : inside.filter((x) => METRICS_EXT.test(x));
  }));
  return [...new Set(expanded.flat())].sort();
}
