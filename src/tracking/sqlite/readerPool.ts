import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../core/startModuleWorker.js';
import { CairnError } from '../../core/errors.js';
import type { DownsampleOptions, DownsampleResult } from '../downsample.js';

export interface ReaderJob {
  id: number;
  run: number;
  key: string;
  options: DownsampleOptions;
}

export type ReaderReply = { id: number; result: DownsampleResult } | { id: number; error: string };

interface Slot {
  worker: Worker;
  /** The job it is running, if any. */
  job: number | null;
}

/**
 * Worker threads with read-only connections to a SQLite tracking database, for the reads that scan whole series
 * (downsampling a million-point metric): better-sqlite3 is synchronous, so on the main connection five such reads run
 * one after another and block every other request meanwhile; here they run on every core while the server goes on.
 * Workers start on first use, at most one per core, and never keep the process alive.
 */
export class ReaderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: ReaderJob[] = [];
  private readonly waiting = new Map<number, { resolve(r: DownsampleResult): void; reject(e: Error): void }>();
  private nextId = 1;
  private closed = false;
  /** How many jobs ran in a worker (tests check that the pool, not the main connection, answered). */
  jobs = 0;

  constructor(
    private readonly file: string,
    private readonly size = Math.max(1, os.availableParallelism()),
  ) {}

  downsample(run: number, key: string, options: DownsampleOptions): Promise<DownsampleResult> {
    if (this.closed) return Promise.reject(new CairnError('INTERNAL', 'the tracking store is closed'));
    const job: ReaderJob = { id: this.nextId++, run, key, options };
    const done = new Promise<DownsampleResult>((resolve, reject) => this.waiting.set(job.id, { resolve, reject }));
    this.queue.push(job);
    this.dispatch();
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { reject } of this.waiting.values()) reject(new CairnError('INTERNAL', 'the tracking store was closed during a read'));
    this.waiting.clear();
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.start();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job.id;
      slot.worker.ref();
      slot.worker.postMessage(job);
    }
  }

  private start(): Slot {
    const worker = startModuleWorker(import.meta.url, 'downsampleWorker', { workerData: { file: this.file } });
    const slot: Slot = { worker, job: null };
    worker.unref();
    worker.on('message', (reply: ReaderReply) => {
      slot.job = null;
      worker.unref();
      this.jobs++;
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter?.reject(new CairnError('INTERNAL', `reading the tracking store failed: ${reply.error}`));
      else waiter?.resolve(reply.result);
      this.dispatch();
    });
    worker.on('error', (err) => {
      // A worker that died takes its job with it: fail that job, drop the worker, and let the next job start another.
      this.slots.splice(this.slots.indexOf(slot), 1);
      const waiter = slot.job === null ? undefined : this.waiting.get(slot.job);
      if (slot.job !== null) this.waiting.delete(slot.job);
      waiter?.reject(new CairnError('INTERNAL', `a reader of the tracking store failed: ${err.message}`, { cause: err }));
      this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }
}

