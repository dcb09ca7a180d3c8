import type { Repo } from '../../core/repo.js';
import { lockFilesAt } from '../../data/findPipelineFiles.js';
import { parseLock, type LockOut } from '../../pipeline/lockFile.js';

/** The output, in any of the revision's lock files, that is `file` or a folder holding it. */
export async function lockedOutAt(repo: Repo, file: string, rev: string): Promise<LockOut | undefined> {
  const outs = (await lockFilesAt(repo, rev)).flatMap(({ lock, text }) => Object.values(parseLock(text, `${lock} at ${rev}`).stages).flatMap((s) => s.outs));
  return outs.find((o) => o.path === file) ?? outs.find((o) => o.files !== undefined && file.startsWith(`${o.path}/`));
}
