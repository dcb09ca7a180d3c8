import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { loadTree } from '../../data/loadTree.js';
import { ObjectStore } from '../../data/objectStore.js';
import { showFileBuffer } from '../../git/git.js';
import { lockedOutAt } from './lockedOutAt.js';

/** A plot file's bytes, or why there are none. */
export type PlotBytes = { bytes: Buffer } | { absent: string };

async function workspaceBytes(repo: Repo, file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(path.join(repo.root, file));
  } catch (err) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw fromSystemError(err, `could not read ${file}`);
  }
}

/**
 * Reads a plot file (data or image) in the workspace or at a Git revision. A stage plot cached by cairn (the default)
 * is not in Git: at a revision it is found through that revision's cairn.lock and read from the cache, as DVC does —
 * also a file inside a cached output folder (DVCLive's `dvclive/plots/`).
 */
export async function readPlotBytes(repo: Repo, file: string, rev?: string): Promise<PlotBytes> {
  if (rev === undefined) {
    const bytes = await workspaceBytes(repo, file);
    return bytes ? { bytes } : { absent: `${file} does not exist in the workspace (run \`cairn repro\` to produce it)` };
  }
  // `./` makes the path relative to the cairn root, which may sit below the Git top level.
  const inGit = repo.git ? await showFileBuffer(repo.root, rev, `./${file}`) : null;
  if (inGit) return { bytes: inGit };
  const out = await lockedOutAt(repo, file, rev);
  if (!out || (out.path === file && out.files !== undefined)) return { absent: `${file} does not exist at ${rev}` };
  if (out.cache === false) return { absent: `${file} is not in Git at ${rev}, and cairn did not cache it` };
  try {
    const oid = out.path === file ? out.oid : (await loadTree(repo, out.oid)).entries.find((e) => e.path === file.slice(out.path.length + 1))?.oid;
    if (!oid) return { absent: `${file} does not exist at ${rev}` };
    return { bytes: await new ObjectStore(repo.cacheDir).read(oid) };
  } catch {
    return { absent: `${file} at ${rev} is not in the cache (fetch it with \`cairn fetch --all-commits\`)` };
  }
}
