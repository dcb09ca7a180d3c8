import { parentPort } from 'node:worker_threads';
import { runFileOp, type HashResult } from './fileOps.js';
import type { PoolJob } from './hashPool.js';

/** A hash worker: runs whole batches of file operations synchronously and answers with one message per batch. */
parentPort?.on('message', (job: PoolJob) => {
  const results: HashResult[] = new Array(job.items.length);
  for (let i = 0; i < job.items.length; i++) results[i] = runFileOp(job.op, job.items[i], job.params);
  parentPort!.postMessage({ id: job.id, results });
});
