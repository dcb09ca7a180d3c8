import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { lockFilesAt, pipelineFileOfLock, stageAddress } from '../data/findPipelineFiles.js';
import { parseLock, type LockDep, type LockOut, type LockParams } from './lockFile.js';

/** One stage as a lock file at some commit records it, under its repository-wide address. */
export interface LockedStage {
  stage: string;
  lock_file: string;
  cmd: string[];
  deps: LockDep[];
  params: LockParams;
  outs: LockOut[];
}

/**
 * Every stage the lock files committed at `commit` record. A lock file that does not parse is left out with a note
 * (lineage and run pages show what they can), unless `strict`, when it is the INVALID error it is.
 */
export async function lockedStagesAt(repo: Repo, commit: string, options: { strict?: boolean } = {}): Promise<{ stages: LockedStage[]; notes: string[] }> {
  const stages: LockedStage[] = [];
  const notes: string[] = [];
  for (const { lock, text } of await lockFilesAt(repo, commit)) {
    let parsed;
    try {
      parsed = parseLock(text, lock);
    } catch (err) {
      if (options.strict || !(err instanceof CairnError)) throw err;
      notes.push(`${lock} at ${commit.slice(0, 12)} could not be read: ${err.message}`);
      continue;
    }
    for (const [localName, entry] of Object.entries(parsed.stages)) {
      stages.push({ stage: stageAddress(pipelineFileOfLock(lock), localName), lock_file: lock, ...entry });
    }
  }
  return { stages, notes };
}
