import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../../core/repo.js';
import { loadTree } from '../../data/loadTree.js';
import { objectPath } from '../../data/objectPath.js';
import { git } from '../../git/git.js';
import { LOCK_FILE, parseLock, type LockOut } from '../../pipeline/lockFile.js';
import { readTextAt } from '../../pipeline/params.js';
import { PLOT_FILE_FORMATS } from './parsePlotFile.js';

/**
 * Plot files in the workspace or at a Git revision. A stage plot cached by cairn (the default) is not in Git: at a
 * revision it is found through that revision's cairn.lock and read from the cache, as DVC does — also a file inside
 * a cached output folder (DVCLive's `dvclive/plots/`).
 */

/** A plot file's text, or why there is none. */
export type PlotText = { text: string } | { absent: string };

const isPlotFile = (file: string) => (PLOT_FILE_FORMATS as readonly string[]).includes(path.extname(file).toLowerCase());

/** The lock's output that is `file` or a folder holding it, at a revision. */
async function lockedOut(repo: Repo, file: string, rev: string): Promise<LockOut | undefined> {
  const text = await readTextAt(repo, LOCK_FILE, rev);
  if (text === null) return undefined;
  const outs = Object.values(parseLock(text, `${LOCK_FILE} at ${rev}`).stages).flatMap((s) => s.outs);
  return outs.find((o) => o.path === file) ?? outs.find((o) => o.files !== undefined && file.startsWith(`${o.path}/`));
}

export async function readPlotText(repo: Repo, file: string, rev?: string): Promise<PlotText> {
  const text = await readTextAt(repo, file, rev);
  if (text !== null) return { text };
  if (rev === undefined) return { absent: `${file} does not exist in the workspace (run \`cairn repro\` to produce it)` };
  const out = await lockedOut(repo, file, rev);
  if (!out || (out.path === file && out.files !== undefined)) return { absent: `${file} does not exist at ${rev}` };
  if (out.cache === false) return { absent: `${file} is not in Git at ${rev}, and cairn did not cache it` };
  try {
    const oid = out.path === file ? out.oid : (await loadTree(repo, out.oid)).entries.find((e) => e.path === file.slice(out.path.length + 1))?.oid;
    if (!oid) return { absent: `${file} does not exist at ${rev}` };
    return { text: await fs.readFile(objectPath(repo.cacheDir, oid), 'utf8') };
  } catch {
    return { absent: `${file} at ${rev} is not in the cache (fetch it with \`cairn fetch --all-commits\`)` };
  }
}

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
      const out = await lockedOut(repo, dir, rev);
      if (!out || out.path !== dir || out.files === undefined) return null;
      files = await loadTree(repo, out.oid).then((t) => t.entries.map((e) => `${dir}/${e.path}`), () => []);
    }
  }
  return files.filter(isPlotFile).sort();
}
