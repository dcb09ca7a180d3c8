import type { Repo } from '../core/repo.js';
import { lockPathOf } from '../data/findPipelineFiles.js';
import { emptyLock, readLock, rememberParsedLock, writeLock, type LockEntry, type LockFile } from './lockFile.js';
import type { Pipeline, Stage } from './types.js';

/**
 * The cairn.lock files of a pipeline, one beside each pipeline file and keyed there by local stage names, seen as
 * one lock keyed by stage address (what status and repro compare against). Entries of stages no longer declared
 * stay in their file untouched.
 */
export interface PipelineLocks {
  /** Every stage's entry by address. */
  view: LockFile;
  /** Each lock file (repo-relative) as read, updated in place by `set`. */
  files: Map<string, LockFile>;
}

/** Reads the lock file beside every pipeline file (a missing one is empty). */
export async function readPipelineLocks(repo: Repo, pipeline: Pipeline): Promise<PipelineLocks> {
  const files = new Map<string, LockFile>();
  const pipelineFiles = pipeline.files.length ? pipeline.files : [pipeline.file];
  await Promise.all(pipelineFiles.map(async (f) => {
    const file = lockPathOf(f);
    files.set(file, await readLock(repo.root, { tmpDir: repo.tmpDir, file }));
  }));
  const view = emptyLock();
  for (const stage of pipeline.stages.values()) {
    const entry = files.get(lockPathOf(stage.source.file))?.stages[stage.localName];
    if (entry) view.stages[stage.name] = entry;
  }
  return { view, files };
}

/** Records a stage's new entry in the view and in its file's lock; returns the lock file to write. */
export function setLockEntry(locks: PipelineLocks, stage: Stage, entry: LockEntry): string {
  const file = lockPathOf(stage.source.file);
  const lock = locks.files.get(file) ?? emptyLock();
  lock.stages[stage.localName] = entry;
  locks.files.set(file, lock);
  locks.view.stages[stage.name] = entry;
  return file;
}

/** Writes one lock file if its text changed (true when it did), remembering its parsed form for the next read. */
export async function writePipelineLock(repo: Repo, locks: PipelineLocks, file: string): Promise<boolean> {
  const lock = locks.files.get(file)!;
  const written = await writeLock(repo.root, lock, file);
  if (written) await rememberParsedLock(repo.tmpDir, lock, file);
  return written;
}
