import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/startModuleWorker.js';
import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import { runFileOps, statMany, systemErrorOf, type FileOpError, type HashResult, type StatTable, type StoreParams } from './fileOps.js';

export type { PoolItem, PoolOp } from './fileOps.js';
import type { PoolItem, PoolOp } from './fileOps.js';

/** A stat job: one message per worker with a share of the paths; the answer is a packed StatTable. */
export interface StatJob {
  id: number;
  op: 'stat';
  paths: string[];
}

export interface PoolJob {
  id: number;
  op: PoolOp;
  items: PoolItem[];
  params: StoreParams | null;
}

/** The end of a store run for one worker: write the small objects it still has queued as a pack, then answer. */
export interface FlushPacksJob {
  id: typeof FLUSH_ID;
  op: 'flushPacks';
}

/** What a worker answers: a batch's results, or (id FLUSH_ID) that its packs are written. */
export interface PoolAnswer {
  id: number;
  results?: HashResult[];
  /** Writing a pack failed: objects of earlier batches are lost too, so the whole run fails. */
  packError?: FileOpError;
}

export const FLUSH_ID = -1;

/** Many files per message: one message per file would cost more than hashing a 1 KiB file. */
const BATCH_FILES = 500;
const BATCH_BYTES = 32 << 20;
/** Below this much work, starting workers costs more than it saves. */
const INLINE_FILES = 200;
const INLINE_BYTES = 64 << 20;

export function startWorker(): Worker {
  return startModuleWorker(import.meta.url, 'hashWorker');
}

/**
 * Workers a stat job just finished with, kept for a moment for the pool run that usually follows (a walk, then the
 * hashing): starting a worker costs about as much as hashing 3,000 small files. Only stat jobs park workers, whose
 * threads hold no per-run state (no pack index loaded, no listing), and a spare not taken soon is stopped.
 */
const spare: Worker[] = [];
const SPARE_MS = 2000;
let spareTimer: NodeJS.Timeout | null = null;
const dropSpare = (w: Worker) => () => {
  const at = spare.indexOf(w);
  if (at >= 0) spare.splice(at, 1);
};

function takeWorkers(n: number): Worker[] {
  const taken = spare.splice(0, n);
  for (const w of taken) {
    w.removeAllListeners('error');
    w.removeAllListeners('exit');
    w.ref();
  }
  while (taken.length < n) taken.push(startWorker());
  return taken;
}

function parkWorkers(workers: Worker[]): void {
  for (const w of workers) {
    w.removeAllListeners('message');
    w.removeAllListeners('error');
    w.removeAllListeners('exit');
    // Parked workers never keep the process alive; one that dies meanwhile leaves the spares.
    w.unref();
    w.once('error', dropSpare(w));
    w.once('exit', dropSpare(w));
    spare.push(w);
  }
  if (spareTimer) clearTimeout(spareTimer);
  spareTimer = setTimeout(() => {
    for (const w of spare.splice(0)) void w.terminate();
  }, SPARE_MS);
  spareTimer.unref();
}

function cutBatches(items: PoolItem[]): Array<{ start: number; end: number; bytes: number }> {
  const batches: Array<{ start: number; end: number; bytes: number }> = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < items.length; i++) {
    bytes += items[i].size;
    if (i + 1 - start >= BATCH_FILES || bytes >= BATCH_BYTES) {
      batches.push({ start, end: i + 1, bytes });
      start = i + 1;
      bytes = 0;
    }
  }
  if (start < items.length) batches.push({ start, end: items.length, bytes });
  return batches;
}

/**
 * Runs a file operation over many files on all cores: batches go to worker threads as they become free. Results come
 * back in the order of `items`. Small jobs run inline, since starting a worker takes longer than hashing a few files.
 */
export async function runPool(
  op: PoolOp,
  items: PoolItem[],
  params: StoreParams | null,
  ctx: Partial<RunContext> = {},
  phase = op === 'materialize' ? 'checking out' : 'hashing',
): Promise<HashResult[]> {
  const results: HashResult[] = new Array(items.length);
  const totalBytes = items.reduce((n, it) => n + it.size, 0);
  if (items.length === 0) return results;
  if (items.length <= INLINE_FILES && totalBytes <= INLINE_BYTES) {
    runFileOps(op, items, params).results.forEach((r, i) => (results[i] = r));
    ctx.onProgress?.({ phase, done: items.length, total: items.length, bytes: totalBytes, totalBytes });
    return results;
  }
  const batches = cutBatches(items);
  const size = Math.max(1, Math.min(os.availableParallelism(), batches.length));
  const workers = takeWorkers(size);
  let next = 0;
  let done = 0;
  let doneBytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const onAbort = () => fail(new CairnError('INTERRUPTED', `${phase} was interrupted`));
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      // A store run ends with one more message per worker, to write the small objects it still has queued.
      const unflushed = new Set(op === 'store' ? workers : []);
      const feed = (w: Worker) => {
        if (failed) return;
        if (ctx.signal?.aborted) return onAbort();
        if (next >= batches.length) {
          if (unflushed.delete(w)) {
            running++;
            w.postMessage({ id: FLUSH_ID, op: 'flushPacks' } satisfies FlushPacksJob);
          } else if (running === 0) {
            ctx.signal?.removeEventListener('abort', onAbort);
            resolve();
          }
          return;
        }
        const id = next++;
        const b = batches[id];
        running++;
        w.postMessage({ id, op, items: items.slice(b.start, b.end), params } satisfies PoolJob);
      };
      for (const w of workers) {
        w.on('message', (msg: PoolAnswer) => {
          running--;
          if (msg.packError) return fail(packWriteError(msg.packError));
          if (msg.id === FLUSH_ID) return feed(w);
          const b = batches[msg.id];
          const answered = msg.results ?? [];
          for (let i = 0; i < answered.length; i++) results[b.start + i] = answered[i];
          done += b.end - b.start;
          doneBytes += b.bytes;
          ctx.onProgress?.({ phase, done, total: items.length, bytes: doneBytes, totalBytes });
          feed(w);
        });
        w.on('error', (err) => fail(new CairnError('INTERNAL', `a hash worker failed: ${err.message}`, { cause: err })));
        w.on('exit', (code) => {
          if (code !== 0) fail(new CairnError('INTERNAL', `a hash worker stopped unexpectedly (exit code ${code})`));
        });
      }
      for (const w of workers) feed(w);
    });
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
  }
  return results;
}

function packWriteError(e: FileOpError): CairnError {
  return systemErrorOf(e, `could not write a pack of small objects (${e.path})`);
}

/** Above this many files, stat'ing on every core beats doing it on the main thread even after starting workers. */
export const PARALLEL_STAT_FILES = 20_000;

/** Stats many files, split across worker threads when there are enough of them to pay for the workers. */
export async function statFiles(paths: string[], parallelAbove = PARALLEL_STAT_FILES): Promise<StatTable> {
  const n = Math.min(os.availableParallelism(), Math.ceil(paths.length / 5000));
  if (paths.length <= parallelAbove || n < 2) return statMany(paths);
  const per = Math.ceil(paths.length / n);
  const workers = takeWorkers(n);
  let ok = false;
  try {
    const parts = await Promise.all(workers.map((w, k) => new Promise<StatTable>((resolve, reject) => {
      w.once('message', (msg: { table: StatTable }) => resolve(msg.table));
      w.once('error', (err) => reject(new CairnError('INTERNAL', `a stat worker failed: ${err.message}`, { cause: err })));
      w.postMessage({ id: k, op: 'stat', paths: paths.slice(k * per, (k + 1) * per) } satisfies StatJob);
    })));
    const table: StatTable = { nums: new Float64Array(paths.length * 3), mtimes: new BigInt64Array(paths.length), failed: [] };
    parts.forEach((part, k) => {
      table.nums.set(part.nums, k * per * 3);
      table.mtimes.set(part.mtimes, k * per);
      for (const f of part.failed) table.failed.push({ index: f.index + k * per, error: f.error });
    });
    ok = true;
    return table;
  } finally {
    if (ok) parkWorkers(workers);
    else for (const w of workers) void w.terminate();
  }
}
