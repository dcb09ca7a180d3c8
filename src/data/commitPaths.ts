import { existsSync } from 'node:fs';
import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { pointerFor, writePointerIfChanged } from './addPaths.js';
import type { PathInfo } from './pathInfo.js';
import { pointerPathFor } from './pointer.js';
import { flushCache } from './prepareCache.js';
import { storePathUnflushed } from './storePath.js';
import { selectTracked } from './trackedPaths.js';

export interface CommittedPath {
  path: string;
  pointer: string;
  info: PathInfo;
  /** The oid the pointer recorded before. */
  previousOid: string;
  changed: boolean;
  stored: number;
}

/**
 * `cairn commit`: records the current workspace content of tracked paths (all of them without arguments). Every
 * selected path is checked to exist and every pointer parsed before anything is stored or written.
 */
export async function commitPaths(repo: Repo, args: string[], ctx: Partial<RunContext> & { cwd: string }): Promise<CommittedPath[]> {
  const selected = await selectTracked(repo, ctx.cwd, args);
  const gone = selected.filter((t) => !existsSync(t.abs));
  if (gone.length) {
    throw new CairnError('NOT_FOUND', `${gone.map((t) => t.dataPath).join(', ')} ${gone.length > 1 ? 'are' : 'is'} missing from the workspace; nothing was committed`, {
      hint: `bring ${gone.length > 1 ? 'them' : 'it'} back with \`cairn checkout ${gone[0].dataPath}\`, or stop tracking with \`cairn remove ${gone[0].dataPath}\``,
    });
  }
  const stored = [];
  for (const t of selected) stored.push({ t, info: await storePathUnflushed(repo, t.abs, ctx) });
  // Every object is on disk before the first pointer names it.
  if (stored.some((s) => s.info.stored > 0)) await flushCache(repo.cacheDir);
  const out: CommittedPath[] = [];
  for (const { t, info } of stored) {
    const { stored: count, ...plain } = info;
    const changed = await writePointerIfChanged(pointerPathFor(t.abs), pointerFor(t.abs, plain, t.pointer), { fsync: false });
    out.push({ path: t.dataPath, pointer: t.pointerPath, info: plain, previousOid: t.pointer.oid, changed, stored: count });
  }
  // One flush of the workspace's file system for all pointers, instead of an fsync each.
  if (out.some((c) => c.changed)) await flushCache(repo.root);
  return out;
}
