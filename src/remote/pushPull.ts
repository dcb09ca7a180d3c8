import os from 'node:os';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError, isCairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { withRepoLock } from '../core/repoLock.js';
import { ObjectStore } from '../data/objectStore.js';
import { restorePath } from '../data/restorePath.js';
import { downloadItems } from './downloadObjects.js';
import { openRemote } from './openRemote.js';
import type { Remote } from './remote.js';
import { remoteScheme, resolveRemote } from './remoteConfig.js';
import { pullRunCache, pushRunCache, type RunCacheSyncResult } from './runCacheSync.js';
import { itemsFromPointers, selectPointers, type TransferScope } from './selectItems.js';
import { failureError, summaryLine, type TransferFailure, type TransferOptions, type TransferResult } from './transfer.js';
import { uploadItems } from './uploadObjects.js';
import { cacheStore } from '../data/cacheStore.js';

export interface TransferRequest extends TransferScope {
  /** Remote name; the default remote when absent. */
  remote?: string;
  /** Parallel streams; the remote's `jobs` option or a per-backend default when absent. */
  jobs?: number;
  /** Also move run-cache entries and the objects they name. */
  runCache?: boolean;
}

export interface TransferReport {
  remote: string;
  url: string;
  transferred: number;
  bytes: number;
  present: number;
  failed: TransferFailure[];
  runCache?: { entries: number; present: number; skipped: RunCacheSyncResult['skipped'] };
  summary: string;
}

/** Parallel streams by default: local disks saturate early; network backends hide latency with more streams. */
export function defaultJobs(url: string, options: Record<string, unknown>): number {
  if (typeof options.jobs === 'number' && options.jobs > 0) return options.jobs;
  const scheme = remoteScheme(url);
  if (scheme === 'file') return 8;
  if (scheme === 's3') return Math.max(8, os.cpus().length * 4);
  return Math.max(4, os.cpus().length * 4);
}

function validateJobs(jobs: number | undefined): void {
  if (jobs !== undefined && (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 512)) {
    throw new CairnError('USAGE', `-j must be a whole number from 1 to 512, not ${jobs}`, { hint: 'e.g. -j 16' });
  }
}

async function withRemote<T>(repo: Repo, request: TransferRequest, ctx: RunContext, fn: (remote: Remote, options: TransferOptions) => Promise<T>): Promise<T> {
  validateJobs(request.jobs);
  const spec = resolveRemote(repo, request.remote);
  const remote = await openRemote(repo, spec.name, ctx);
  const retries = typeof spec.options.retries === 'number' ? spec.options.retries : undefined;
  const options: TransferOptions = { jobs: request.jobs ?? defaultJobs(spec.url, spec.options), ctx, retries };
  try {
    return await fn(remote, options);
  } finally {
    await remote.close();
  }
}

function merge(a: TransferResult, b: TransferResult | undefined): TransferResult {
  if (!b) return a;
  return {
    transferred: a.transferred + b.transferred, bytes: a.bytes + b.bytes, present: a.present + b.present,
    failed: [...a.failed, ...b.failed], complete: [...a.complete, ...b.complete],
  };
}

function report(remote: Remote, verb: string, where: string, result: TransferResult, runs?: RunCacheSyncResult): TransferReport {
  let summary = summaryLine(verb, result, where);
  if (runs) summary += `; run cache: ${runs.entries} entr${runs.entries === 1 ? 'y' : 'ies'} ${verb}, ${runs.present} already ${where}`;
  return {
    remote: remote.name, url: remote.displayUrl, transferred: result.transferred, bytes: result.bytes, present: result.present,
    failed: result.failed, ...(runs ? { runCache: { entries: runs.entries, present: runs.present, skipped: runs.skipped } } : {}), summary,
  };
}

/** Sends what the remote lacks of the tracked paths in scope (and, with runCache, the run cache). */
export async function push(repo: Repo, request: TransferRequest, ctx: RunContext): Promise<TransferReport> {
  const pointers = await selectPointers(repo, ctx.cwd, request);
  return withRemote(repo, request, ctx, async (remote, options) => {
    if (remote.readOnly) {
      throw new CairnError('PERMISSION', `remote "${remote.name}" (${remote.displayUrl}) is read-only`, { hint: 'push to another remote with -r NAME' });
    }
    return withRepoLock(repo.tmpDir, {}, async () => {
      const result = await uploadItems(new ObjectStore(repo.cacheDir), remote, itemsFromPointers(pointers), options);
      const runs = request.runCache ? await pushRunCache(repo, remote, options) : undefined;
      const all = merge(result, runs?.objects);
      const out = report(remote, 'pushed', `on remote "${remote.name}"`, all, runs);
      if (all.failed.length) throw failureError('push', remote.name, all.failed, out.summary);
      return out;
    });
  });
}

/** Brings what the cache lacks of the tracked paths in scope from the remote, verified, without touching the workspace. */
export async function fetch(repo: Repo, request: TransferRequest, ctx: RunContext): Promise<TransferReport> {
  const { complete: _complete, ...out } = await fetchObjects(repo, request, ctx);
  if (out.failed.length) throw failureError('fetch', out.remote, out.failed, out.summary);
  return out;
}

async function fetchObjects(repo: Repo, request: TransferRequest, ctx: RunContext): Promise<TransferReport & { complete: TransferResult['complete'] }> {
  const pointers = await selectPointers(repo, ctx.cwd, request);
  return withRemote(repo, request, ctx, (remote, options) => withRepoLock(repo.tmpDir, {}, async () => {
    const result = await downloadItems(cacheStore(repo), remote, itemsFromPointers(pointers), options);
    const runs = request.runCache ? await pullRunCache(repo, remote, options) : undefined;
    const all = merge(result, runs?.objects);
    return { ...report(remote, 'fetched', 'in the cache', all, runs), complete: result.complete };
  }));
}

export interface PullReport extends TransferReport {
  checkedOut: { path: string; added: number; modified: number; deleted: number }[];
}

/**
 * fetch, then check out every tracked path in scope whose objects all arrived. A path with an object that failed
 * (missing or corrupt on the remote) is left as it is, and the error names it.
 */
export async function pull(repo: Repo, request: TransferRequest & { force?: boolean }, ctx: RunContext): Promise<PullReport> {
  const fetched = await fetchObjects(repo, request, ctx);
  const checkedOut: PullReport['checkedOut'] = [];
  const conflicts: string[] = [];
  let outputConflict = false;
  const workspace = await selectPointers(repo, ctx.cwd, { targets: request.targets });
  const ready = new Set(fetched.complete.map((i) => `${i.oid} ${i.label}`));
  await withRepoLock(repo.tmpDir, {}, async () => {
    for (const { dataPath, pointer, output } of workspace) {
      if (!ready.has(`${pointer.oid} ${dataPath}`)) continue;
      try {
        const s = await restorePath(repo, path.join(repo.root, dataPath), pointer, { force: request.force, ...ctx });
        if (s.added.length || s.modified.length || s.deleted.length) {
          checkedOut.push({ path: dataPath, added: s.added.length, modified: s.modified.length, deleted: s.deleted.length });
        }
      } catch (err) {
        if (!isCairnError(err) || err.code !== 'CONFLICT') throw err;
        conflicts.push(err.message);
        outputConflict ||= Boolean(output);
      }
    }
  });
  const { complete: _complete, ...rest } = fetched;
  const out: PullReport = { ...rest, checkedOut };
  if (checkedOut.length) out.summary += `; ${checkedOut.length} path${checkedOut.length === 1 ? '' : 's'} checked out`;
  if (fetched.failed.length) throw failureError('pull', fetched.remote, fetched.failed, out.summary);
  if (conflicts.length) {
    throw new CairnError('CONFLICT', `${out.summary}; but ${conflicts.length} path(s) have local changes and were left alone:\n${conflicts.join('\n')}`, {
      hint: outputConflict
        ? 'discard the changes with `cairn pull --force` (copy a changed pipeline output elsewhere first to keep it; `cairn commit PATH` records a changed pointer-tracked path)'
        : 'record the changes with `cairn commit PATH`, or discard them with `cairn pull --force`',
    });
  }
  return out;
}
