import { parentPort } from 'node:worker_threads';
import { flushPacks, runFileOps, statMany } from './fileOps.js';
import type { FlushPacksJob, PoolAnswer, PoolJob, StatJob } from './hashPool.js';
import { filesMatch, readSnapshotFile } from './snapshotMatches.js';
import type { SnapshotJob } from './statusSnapshot.js';

/** A hash worker: runs whole batches of file operations synchronously and answers with one message per batch. */
parentPort?.on('message', (job: PoolJob | FlushPacksJob | StatJob | SnapshotJob) => {
  if (job.op === 'stat') {
    const table = statMany(job.paths);
    parentPort!.postMessage({ id: job.id, table }, [table.nums.buffer as ArrayBuffer, table.mtimes.buffer as ArrayBuffer]);
    return;
  }
  if (job.op === 'snapshot') {
    // Reads the snapshot itself: decoding it here is cheaper than cloning 100k paths into the message.
    const snap = readSnapshotFile(job.file);
    parentPort!.postMessage({ id: job.id, ok: snap !== null && filesMatch(job.base, snap, job.from, job.to) });
    return;
  }
  if (job.op === 'flushPacks') {
    const packError = flushPacks();
    parentPort!.postMessage({ id: job.id, ...(packError ? { packError } : {}) } satisfies PoolAnswer);
    return;
  }
  // Small objects stay queued across the batches of a store run: the pool ends it with a flushPacks job.
  parentPort!.postMessage({ id: job.id, ...runFileOps(job.op, job.items, job.params, { keepPacking: true }) } satisfies PoolAnswer);
});
