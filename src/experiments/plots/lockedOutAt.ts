import type { Repo } from '../../core/repo.js';
import { LOCK_FILE, parseLock, type LockOut } from '../../pipeline/lockFile.js';
import { readTextAt } from '../../pipeline/params.js';

/** The lock's output that is `file` or a folder holding it, at a revision. */
export async function lockedOutAt(repo: Repo, file: string, rev: string): Promise<LockOut | undefined> {
  const text = await readTextAt(repo, LOCK_FILE, rev);
  if (text === null) return undefined;
  const outs = Object.values(parseLock(text, `${LOCK_FILE} at ${rev}`).stages).flatMap((s) => s.outs);
  return outs.find((o) => o.path === file) ?? outs.find((o) => o.files !== undefined && file.startsWith(`${o.path}/`));
}
