import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../../core/repo.js';
import { loadTree } from '../../data/loadTree.js';
import { git } from '../../git/git.js';
import { lockedOutAt } from './lockedOutAt.js';
import { isDataFile } from './parsePlotFile.js';
import { isImageFile } from './plotImage.js';

const isPlotFile = (file: string) => isDataFile(file) || isImageFile(file);

async function walk(root: string, dir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true }).catch(() => null);
  if (!entries) return [];
  const nested = await Promise.all(entries.map((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? walk(root, rel) : Promise.resolve(e.isFile() ? [rel] : []);
  }));
  return nested.flat();
}

/**
 * The plot files inside `dir` (repo-relative) in the workspace or at a revision, sorted; null when `dir` is not a
 * folder there. DVC draws each file of a plots folder as a plot of its own.
 */
export async function plotFilesIn(repo: Repo, dir: string, rev?: string): Promise<string[] | null> {
  let files: string[] = [];
  if (rev === undefined) {
    const stat = await fs.stat(path.join(repo.root, dir)).catch(() => null);
    if (!stat?.isDirectory()) return null;
    files = await walk(repo.root, dir);
  } else if (repo.git) {
    // Without --full-name, ls-tree shows paths relative to the cairn root (which may sit below the Git top level).
    const listed = await git(repo.root, ['ls-tree', '-r', '--name-only', '-z', rev, '--', `./${dir}/`], { allowFail: true });
    files = listed.code === 0 ? listed.stdout.split('\0').filter(Boolean) : [];
    if (files.length === 0) {
      const out = await lockedOutAt(repo, dir, rev);
      if (!out || out.path !== dir || out.files === undefined) return null;
      files = await loadTree(repo, out.oid).then((t) => t.entries.map((e) => `${dir}/${e.path}`), () => []);
    }
  }
  return files.filter(isPlotFile).sort();
}
