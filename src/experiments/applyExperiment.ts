import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { checkout, type CheckoutResult } from '../data/checkout.js';
import { POINTER_SUFFIX } from '../data/pointer.js';
import { gitRoot, showFileBuffer } from '../git/git.js';
import { diffNames, dirtyPaths } from '../git/refs.js';
import { LOCK_FILE, parseLock } from '../pipeline/lockFile.js';
import type { ExperimentRef } from './listExperiments.js';

export interface ApplyResult {
  written: string[];
  deleted: string[];
  data: CheckoutResult;
}

/** Output paths whose lock entries differ between two lock file texts (or all of the new one's). */
function changedOutputs(before: string | null, after: string | null): string[] {
  if (after === null) return [];
  const oldOuts = new Map<string, string>();
  if (before !== null) {
    try {
      for (const e of Object.values(parseLock(before).stages)) for (const o of e.outs) oldOuts.set(o.path, o.oid);
    } catch {
      // An unreadable old lock: every output counts as changed.
    }
  }
  return Object.values(parseLock(after).stages).flatMap((e) => e.outs.filter((o) => o.cache !== false && oldOuts.get(o.path) !== o.oid).map((o) => o.path));
}

/**
 * Brings an experiment into the workspace: every file it changed from its baseline (params, code, cairn.lock,
 * pointers, uncached metrics) gets the experiment's content, and the data those pointers and lock entries name is
 * checked out from the cache. Refuses, changing nothing, when the user has local changes to any of those files.
 */
export async function applyExperiment(repo: Repo, ctx: RunContext, exp: ExperimentRef, options: { force?: boolean } = {}): Promise<ApplyResult> {
  const top = await gitRoot(repo.root);
  const changes = await diffNames(top, exp.baseline, exp.commit);
  const dirty = await dirtyPaths(top);
  const local = new Set([...dirty.changed, ...dirty.deleted]);
  const conflicts = changes.filter((c) => local.has(c.path)).map((c) => c.path);
  if (conflicts.length && !options.force) {
    throw new CairnError('CONFLICT', `the workspace has local changes to ${conflicts.length} file(s) the experiment changes: ${conflicts.slice(0, 5).join(', ')}${conflicts.length > 5 ? ', …' : ''}`, {
      hint: `commit or stash them first, or run \`cairn exp apply ${exp.name} --force\` to overwrite them; nothing was changed`,
      data: { conflicts },
    });
  }
  // Every pipeline file has its lock beside it: the outputs of each changed lock are checked out.
  const lockPaths = changes.filter((c) => path.posix.basename(c.path) === LOCK_FILE).map((c) => c.path);
  const beforeLocks = new Map(await Promise.all(lockPaths.map(async (l) => [l, await fs.readFile(path.join(top, l), 'utf8').catch(() => null)] as const)));
  // Read everything first, then write: a read failure leaves the workspace as it was.
  const contents = new Map<string, Buffer>();
  for (const c of changes) if (c.status !== 'D') contents.set(c.path, (await showFileBuffer(top, exp.commit, c.path))!);
  const written: string[] = [];
  const deleted: string[] = [];
  for (const c of changes) {
    const abs = path.join(top, c.path);
    if (c.status === 'D') {
      await fs.rm(abs, { force: true });
      deleted.push(c.path);
    } else {
      await fs.mkdir(path.dirname(abs), { recursive: true });
      await fs.writeFile(abs, contents.get(c.path)!);
      written.push(c.path);
    }
  }
  const pointers = written.filter((p) => p.endsWith(POINTER_SUFFIX)).map((p) => path.join(top, p));
  const outputs = lockPaths.flatMap((l) => changedOutputs(beforeLocks.get(l) ?? null, contents.get(l)?.toString('utf8') ?? null)).map((p) => path.join(repo.root, p));
  const targets = [...pointers, ...outputs].map((abs) => path.relative(ctx.cwd, abs) || '.');
  const data = targets.length ? await checkout(repo, { ...ctx, targets, force: true }) : { added: [], modified: [], deleted: [], unchanged: 0, failed: [] };
  return { written, deleted, data };
}
