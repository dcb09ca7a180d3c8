import { promises as fs } from 'node:fs';
import type { Repo } from '../../core/repo.js';
import { objectPath } from '../../data/objectPath.js';
import { LOCK_FILE, parseLock } from '../../pipeline/lockFile.js';
import { readTextAt } from '../../pipeline/params.js';

/** A plot file's text in the workspace or at a revision, or why there is none. */
export type PlotText = { text: string } | { absent: string };

/**
 * Reads a plot file from the workspace or from a Git revision. A stage plot cached by cairn (the default) is not in
 * Git: at a revision it is found through that revision's cairn.lock and read from the cache, as DVC does.
 */
export async function readPlotText(repo: Repo, file: string, rev?: string): Promise<PlotText> {
  const text = await readTextAt(repo, file, rev);
  if (text !== null) return { text };
  if (rev === undefined) return { absent: `${file} does not exist in the workspace (run \`cairn repro\` to produce it)` };
  const lockText = await readTextAt(repo, LOCK_FILE, rev);
  const out = lockText === null ? undefined
    : Object.values(parseLock(lockText, `${LOCK_FILE} at ${rev}`).stages).flatMap((s) => s.outs).find((o) => o.path === file);
  if (!out) return { absent: `${file} does not exist at ${rev}` };
  if (out.cache === false || out.files !== undefined) return { absent: `${file} is not in Git at ${rev}, and cairn did not cache it` };
  try {
    return { text: await fs.readFile(objectPath(repo.cacheDir, out.oid), 'utf8') };
  } catch {
    return { absent: `${file} at ${rev} is not in the cache (fetch it with \`cairn fetch --all-commits\`)` };
  }
}
