import type { Repo } from '../core/repo.js';
import { lockOutputsInScan } from './lockOutputs.js';
import { pointersAtRev, scanCommits, type TrackedPointer } from './pointersAtRev.js';

/**
 * Everything tracked at a revision: its pointer files and the cached pipeline outputs its lock files record (marked
 * with `output`), as `readWorkspaceTracked` gives them for the workspace. A pointer wins over an output of one path.
 */
export async function trackedAtRev(repo: Repo, rev: string): Promise<{ commit: string; pointers: TrackedPointer[] }> {
  const { commit, pointers } = await pointersAtRev(repo, rev);
  const byPointer = new Set(pointers.map((p) => p.dataPath));
  const outputs = lockOutputsInScan(await scanCommits(repo, [commit])).filter((o) => !byPointer.has(o.dataPath));
  return { commit, pointers: [...pointers, ...outputs] };
}
