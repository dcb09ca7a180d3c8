import { existsSync, lstatSync, mkdirSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { cachePresence } from './cachePresence.js';
import { type PoolItem } from './fileOps.js';
import { locateObject } from './packs/locateObject.js';
import { runPool } from './hashPool.js';
import { loadTree } from './loadTree.js';
import type { PathInfo } from './pathInfo.js';
import { planCheckout, type CheckoutPlan, type CurrentFile } from './planCheckout.js';
import { fileOpError, repoRelative, scanPath } from './scanPath.js';
import { removeStaleTempsBeside } from './staleTemp.js';
import { StateIndex } from './stateIndex.js';
import type { TreeEntry } from './tree.js';

export interface CheckoutSummary {
  added: string[];
  modified: string[];
  deleted: string[];
  unchanged: number;
}

const joinRel = (base: string, rel: string) => (rel ? `${base}/${rel}` : base);

/** The recorded content of a tracked path as a list of files ('' is the path itself for a single file). */
export async function desiredEntries(repo: Repo, info: PathInfo): Promise<TreeEntry[]> {
  if (info.kind === 'file') return [{ path: '', oid: info.oid, size: info.size, exec: Boolean(info.exec) }];
  if (!locateObject(repo.cacheDir, info.oid)) {
    throw new CairnError('NOT_FOUND', `the tree object ${info.oid.slice(0, 12)} listing the files of a tracked folder is not in the cache`, {
      hint: 'fetch it with `cairn pull`; nothing was changed',
      data: { missing: [info.oid] },
    });
  }
  return (await loadTree(repo, info.oid)).entries;
}

/** The files at a workspace path with their oids (hashed through the state index), or none when it is missing. */
export async function currentFiles(repo: Repo, abs: string, ctx: Partial<RunContext>): Promise<CurrentFile[]> {
  try {
    lstatSync(abs);
  } catch {
    return [];
  }
  const scan = await scanPath(repo, abs, { store: false, ctx });
  return scan.entries.map((e) => ({ path: e.path, oid: e.oid, exec: e.exec }));
}

/**
 * Makes the workspace path match `info` from the cache, touching only files that differ. Refuses, changing nothing,
 * when an object is missing or when local content would be lost (unless `force`).
 */
export async function restorePath(
  repo: Repo,
  absPath: string,
  info: PathInfo,
  opts: { force?: boolean } & Partial<RunContext> = {},
): Promise<CheckoutSummary> {
  const rel = repoRelative(repo, absPath);
  let desired: TreeEntry[];
  try {
    desired = await desiredEntries(repo, info);
  } catch (err) {
    if (err instanceof CairnError && err.code === 'NOT_FOUND') {
      throw new CairnError('NOT_FOUND', `the tree object of ${rel} is not in the cache`, { hint: err.hint, data: err.data });
    }
    throw err;
  }
  // A folder's stale temp files go as the walk meets them; a file's sit beside it, outside any walk.
  if (info.kind === 'file') removeStaleTempsBeside(absPath);
  const current = await currentFiles(repo, absPath, opts);
  const inCache = cachePresence(repo.cacheDir, desired.length);
  const plan = planCheckout(desired, current, inCache);
  const missing = [...plan.add, ...plan.modify].filter((e) => !inCache(e.oid));
  if (missing.length) {
    throw new CairnError('NOT_FOUND', `${missing.length} object(s) of ${rel} are not in the cache (first: ${joinRel(rel, missing[0].path)})`, {
      hint: 'fetch them with `cairn pull`; nothing was changed',
      data: { path: rel, missing: missing.map((e) => e.oid) },
    });
  }
  if (plan.conflicts.length && !opts.force) {
    const list = plan.conflicts.map((p) => joinRel(rel, p));
    throw new CairnError('CONFLICT', `checkout would overwrite local changes to ${list.length} file(s) in ${rel}:\n  ${list.slice(0, 20).join('\n  ')}${list.length > 20 ? `\n  ... and ${list.length - 20} more` : ''}`, {
      hint: `record them first with \`cairn commit ${rel}\`, or discard them with \`cairn checkout --force ${rel}\``,
      data: { path: rel, conflicts: list },
    });
  }
  await applyPlan(repo, absPath, info, plan, opts);
  return {
    added: plan.add.map((e) => joinRel(rel, e.path)),
    modified: plan.modify.map((e) => joinRel(rel, e.path)),
    deleted: plan.delete.map((p) => joinRel(rel, p)),
    unchanged: plan.unchanged,
  };
}

async function applyPlan(repo: Repo, abs: string, info: PathInfo, plan: CheckoutPlan, ctx: Partial<RunContext>): Promise<void> {
  const rel = repoRelative(repo, abs);
  const full = (p: string) => (p ? path.join(abs, p) : abs);
  const created: string[] = [];
  try {
    const emptied = new Set<string>();
    for (const p of plan.delete) {
      unlinkSync(full(p));
      for (let d = path.dirname(full(p)); d.length > abs.length; d = path.dirname(d)) emptied.add(d);
      if (p && info.kind === 'file') emptied.add(abs);
    }
    // Deepest first, so a folder emptied of folders goes too; folders still holding ignored files stay.
    for (const d of [...emptied].sort((a, b) => b.length - a.length)) {
      try {
        rmdirSync(d);
      } catch (err) {
        if (d === abs) throw new CairnError('CONFLICT', `cannot replace folder ${rel} by a file: it still holds files cairn ignores`, {
          hint: `move those files away, then run \`cairn checkout ${rel}\` again`,
        });
        void err;
      }
    }
    const dirs = new Set<string>();
    if (info.kind === 'dir') dirs.add(abs); // an empty tracked folder is still a folder
    for (const e of [...plan.add, ...plan.modify]) dirs.add(path.dirname(full(e.path)));
    for (const d of [...dirs].sort()) {
      const first = mkdirSync(d, { recursive: true });
      if (first) for (let x = d; x.length >= first.length; x = path.dirname(x)) created.push(x);
    }
  } catch (err) {
    throw fromSystemError(err, `could not update ${rel}`);
  }
  const todo = [...plan.add, ...plan.modify];
  const items: PoolItem[] = todo.map((e) => ({ abs: full(e.path), size: e.size, oid: e.oid, exec: e.exec }));
  const params = { cacheDir: repo.cacheDir, links: repo.config.cache.link, fileMode: 0o666 & ~process.umask() };
  const results = await runPool('materialize', items, params, ctx);
  const state = StateIndex.open(repo);
  try {
    const fresh = [];
    let firstError = null;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.error) firstError ??= r;
      else fresh.push({ path: joinRel(rel, todo[i].path), ...r.stat!, oid: todo[i].oid, exec: todo[i].exec });
    }
    // Record what did land even when some files failed, so the next run only redoes the rest.
    state.putMany(fresh);
    if (firstError) {
      // Folders made for files that never arrived would look like (empty) data; take them away again.
      for (const d of [...new Set(created)].sort((a, b) => b.length - a.length)) {
        try {
          rmdirSync(d);
        } catch {
          /* not empty: something did land there */
        }
      }
      throw fileOpError(repo, firstError, 'check out');
    }
  } finally {
    state.close();
  }
}
