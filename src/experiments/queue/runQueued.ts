import type { RunContext } from '../../core/context.js';
import { CairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { claimRef } from '../../git/refs.js';
import type { OutputSink } from '../../pipeline/executor.js';
import { openExpWorkspace } from '../expWorkspace.js';
import { reproAndSave, type ExperimentResult } from '../runExperiment.js';
import { listQueued } from './queueExperiments.js';
import { writeQueueState } from './queueState.js';

/**
 * Runs one queued experiment in this process: claims its queue ref (so no other worker runs it too), runs it in its
 * own copy of the queued commit, and saves it like `exp run` does. Its state file says how it ended.
 */
export async function runQueued(repo: Repo, ctx: RunContext, name: string, options: { onOutput?: OutputSink; jobs?: number } = {}): Promise<ExperimentResult> {
  const entry = (await listQueued(repo)).find((q) => q.name === name);
  if (!entry || !(await claimRef(repo.root, entry.ref, entry.commit))) {
    throw new CairnError('NOT_FOUND', `no queued experiment named "${name}" (another worker may have taken it)`, { hint: '`cairn queue status` lists the queue' });
  }
  const started = Date.now();
  writeQueueState(repo, { name, status: 'running', pid: process.pid, started });
  try {
    const ws = await openExpWorkspace(repo, ctx, { name, rev: entry.commit, copyDirty: false });
    try {
      const saved = await reproAndSave(repo, ctx, {
        name, baseline: entry.baseline, changes: entry.changes, targets: entry.targets, started, where: ws.repo,
        useTempIndex: false, onOutput: options.onOutput, jobs: options.jobs,
      });
      writeQueueState(repo, { name, status: 'done', pid: process.pid, started, ended: Date.now(), commit: saved.commit });
      return { ...saved, missingData: ws.missingData };
    } finally {
      await ws.dispose();
    }
  } catch (err) {
    const e = err instanceof CairnError ? err : new CairnError('INTERNAL', (err as Error).message);
    writeQueueState(repo, { name, status: e.code === 'INTERRUPTED' ? 'killed' : 'failed', pid: process.pid, started, ended: Date.now(), error: e.toJSON() });
    throw err;
  }
}
