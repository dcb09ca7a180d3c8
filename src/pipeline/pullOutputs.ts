import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import { downloadItems } from '../remote/downloadObjects.js';
import { openRemote } from '../remote/openRemote.js';
import { defaultJobs } from '../remote/pushPull.js';
import { resolveRemote } from '../remote/remoteConfig.js';
import { pullRunCache } from '../remote/runCacheSync.js';
import type { TransferItem } from '../remote/transfer.js';
import type { LockFile } from './lockFile.js';
import type { Stage } from './types.js';
import { cacheStore } from '../data/cacheStore.js';

export interface PullOutputsReport {
  remote: string;
  transferred: number;
  present: number;
  /** Outputs whose objects the remote did not have (or had corrupt): their stages will run instead. */
  failed: string[];
  runCacheEntries: number;
}

/** The cached outputs the lock records for these stages, as transfer items. Pure. */
export function lockedOutputItems(stages: Stage[], lock: LockFile): TransferItem[] {
  const items: TransferItem[] = [];
  for (const stage of stages) {
    for (const out of lock.stages[stage.name]?.outs ?? []) {
      if (out.cache === false) continue;
      items.push({ label: out.path, oid: out.oid, kind: out.files === undefined ? 'file' : 'dir', size: out.size, ...(out.files !== undefined ? { files: out.files } : {}) });
    }
  }
  return items;
}

/**
 * `repro --pull`: fetches from the default remote the objects of the outputs cairn.lock records for the selected
 * stages, and the run cache, so that stages whose inputs match are restored instead of run. An object the remote
 * lacks is not an error: that stage simply runs.
 */
export async function pullStageOutputs(repo: Repo, ctx: RunContext, stages: Stage[], lock: LockFile): Promise<PullOutputsReport> {
  const spec = resolveRemote(repo);
  const remote = await openRemote(repo, spec.name, ctx);
  try {
    const options = { jobs: defaultJobs(spec.url, spec.options), ctx };
    const result = await downloadItems(cacheStore(repo), remote, lockedOutputItems(stages, lock), options);
    const runs = await pullRunCache(repo, remote, options);
    return {
      remote: spec.name, transferred: result.transferred, present: result.present,
      failed: [...new Set(result.failed.map((f) => f.label))], runCacheEntries: runs.entries,
    };
  } finally {
    await remote.close();
  }
}
