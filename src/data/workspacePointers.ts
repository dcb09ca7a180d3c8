import path from 'node:path';
import { isCairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { findPointers } from './findPointers.js';
import { readWorkspaceLockOutputs } from './lockOutputs.js';
import { dataPathFor, readPointer } from './pointer.js';
import type { TrackedPointer } from './pointersAtRev.js';

/** The workspace's pointer files, parsed (a malformed one is an INVALID error naming the file and field). */
export async function readWorkspacePointers(repo: Repo): Promise<TrackedPointer[]> {
  const out: TrackedPointer[] = [];
  for (const rel of await findPointers(repo)) {
    try {
      const pointer = await readPointer(path.join(repo.root, rel));
      out.push({ pointerPath: rel, dataPath: dataPathFor(rel), pointer });
    } catch (err) {
      // Git still lists a committed pointer the user deleted from the workspace: it tracks nothing any more.
      if (isCairnError(err) && err.code === 'NOT_FOUND') continue;
      throw err;
    }
  }
  return out;
}

/**
 * Everything the workspace tracks: its pointer files and the cached pipeline outputs its cairn.lock records (marked
 * with `output`). Where both name one path, the pointer file wins: it is what the user asked cairn to track.
 */
export async function readWorkspaceTracked(repo: Repo): Promise<TrackedPointer[]> {
  const pointers = await readWorkspacePointers(repo);
  const byPointer = new Set(pointers.map((p) => p.dataPath));
  return [...pointers, ...(await readWorkspaceLockOutputs(repo)).filter((o) => !byPointer.has(o.dataPath))];
}
