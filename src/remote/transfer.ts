import type { RunContext } from '../core/context.js';
import { CairnError, type ErrorCode } from '../core/errors.js';
import { formatBytes } from '../core/formatBytes.js';
import { interrupted, isTransientError, withRetry } from './retry.js';

/** Something to move: a tracked file (one blob) or directory (a tree object and its blobs), named for messages. */
export interface TransferItem {
  /** What people call it: a repo-relative data path, or a run-cache entry. */
  label: string;
  oid: string;
  kind: 'file' | 'dir';
  /** Size in bytes when known (pointers know it). */
  size?: number;
  /** Number of files, for directories (counted as already there when the tree is). */
  files?: number;
}

/** An object that could not be moved, and why; the rest of the transfer still happened. */
export interface TransferFailure {
  label: string;
  oid: string;
  code: ErrorCode;
  message: string;
}

export interface TransferResult {
  /** Objects moved. */
  transferred: number;
  bytes: number;
  /** Objects the other side already had. */
  present: number;
  failed: TransferFailure[];
  /** Items whose objects are now all on the target (for pull: safe to check out). */
  complete: TransferItem[];
}

export interface TransferOptions {
  jobs: number;
  /** Retries per object for transient failures (default 3). */
  retries?: number;
  /** First backoff delay in ms (default 250). */
  retryBaseMs?: number;
  ctx: RunContext;
}

/** Failures that concern one object; anything else (unreachable, bad credentials, disk full) stops the whole transfer. */
const PER_OBJECT: ErrorCode[] = ['NOT_FOUND', 'INTEGRITY'];

export function isPerObjectFailure(err: unknown): boolean {
  return err instanceof CairnError && PER_OBJECT.includes(err.code);
}

/**
 * Collects the per-object failures of one transfer; `fail` rethrows anything else, so a fatal error stops the
 * transfer while one missing or corrupt object only lands in the report.
 */
export function failureCollector() {
  const failed: TransferFailure[] = [];
  const failedOids = new Set<string>();
  const fail = (label: string, oid: string, err: unknown): void => {
    if (!isPerObjectFailure(err)) throw err;
    const e = err as CairnError;
    failed.push({ label, oid, code: e.code, message: e.message });
    failedOids.add(oid);
  };
  return { failed, failedOids, fail };
}

/**
 * Runs `fn` over items with at most `jobs` in flight. The first fatal error stops new work; it is thrown once the
 * work in flight has settled, so nothing is left half-done in the background.
 */
export async function runPool<T>(items: readonly T[], jobs: number, fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let fatal: unknown;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      if (signal?.aborted) {
        failed = true;
        fatal ??= interrupted();
        return;
      }
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        fatal ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  if (failed) throw fatal;
}

/** Calls `fn` with retries per the options; a debug log line tells each retry. */
export function retrying<T>(fn: () => Promise<T>, what: string, options: TransferOptions): Promise<T> {
  return withRetry(fn, {
    retries: options.retries ?? 3,
    baseMs: options.retryBaseMs ?? 250,
    signal: options.ctx.signal,
    onRetry: (attempt, err, delay) => options.ctx.onLog?.('debug', `retry ${attempt} of ${what} in ${delay} ms: ${(err as Error).message}`),
  });
}

/** Whether an error thrown below a stream (a socket reset while downloading) deserves another try. */
export function isTransientDeep(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (isTransientError(e)) return true;
  }
  return false;
}

/** Progress reports at most every 100 ms (and always the last one), so a million tiny files do not flood the bar. */
export function makeProgress(ctx: RunContext, phase: string, total: number, totalBytes: number) {
  let done = 0;
  let bytes = 0;
  let last = 0;
  const emit = (force: boolean) => {
    const now = Date.now();
    if (!ctx.onProgress || (!force && now - last < 100)) return;
    last = now;
    ctx.onProgress({ phase, done, total, bytes, totalBytes });
  };
  emit(true);
  return {
    file(size: number) {
      done++;
      bytes += size;
      emit(done === total);
    },
    bytes(n: number) {
      bytes += n;
      emit(false);
    },
    finish: () => emit(true),
  };
}

/** "3 files pushed (12.0 MiB), 1,204 already on remote" — the summary line every transfer prints. Pure. */
export function summaryLine(verb: string, result: Pick<TransferResult, 'transferred' | 'bytes' | 'present' | 'failed'>, where: string): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = [`${n(result.transferred)} file${result.transferred === 1 ? '' : 's'} ${verb} (${formatBytes(result.bytes)})`];
  parts.push(`${n(result.present)} already ${where}`);
  if (result.failed.length) parts.push(`${n(result.failed.length)} failed`);
  return parts.join(', ');
}

/** Turns the per-object failures of a transfer into one error that names them (the first ten) and what to do. */
export function failureError(action: string, remoteName: string, failed: TransferFailure[], done: string): CairnError {
  const corrupt = failed.filter((f) => f.code === 'INTEGRITY');
  const code: ErrorCode = corrupt.length ? 'INTEGRITY' : failed[0].code;
  const lines = failed.slice(0, 10).map((f) => `  ${f.label} (${f.oid.slice(0, 12)}): ${f.message}`);
  if (failed.length > 10) lines.push(`  ... and ${failed.length - 10} more`);
  const hint = corrupt.length
    ? `the corrupt objects were not stored; repair them on remote "${remoteName}" by pushing from a clone that has good copies`
    : code === 'NOT_FOUND' && action === 'push'
      ? 'these objects are not in the local cache: pull them from another remote, or re-add the data, then push again'
      : `push the missing objects to remote "${remoteName}" from a clone that has them, then run this again`;
  return new CairnError(code, `${done}; ${failed.length} object(s) could not be ${action === 'push' ? 'pushed' : 'fetched'}:\n${lines.join('\n')}`, {
    hint,
    data: { failed },
  });
}
