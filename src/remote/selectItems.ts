import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { listScopeCommits } from '../git/git.js';
import { dataPathFor, POINTER_SUFFIX, readPointer } from '../data/pointer.js';
import { scanCommits, type TrackedPointer } from '../data/pointersAtRev.js';
import { readWorkspacePointers } from '../data/workspacePointers.js';
import type { TransferItem } from './transfer.js';

/** Which tracked paths a push, pull, fetch or status covers. */
export interface TransferScope {
  /** Data paths or pointer files (relative to `cwd`); none means every tracked path in the workspace. */
  targets?: string[];
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** The workspace pointers the targets name; a target that is not tracked is an error that changes nothing. */
async function pointersForTargets(repo: Repo, cwd: string, targets: string[]): Promise<TrackedPointer[]> {
  const all = await readWorkspacePointers(repo);
  const out = new Map<string, TrackedPointer>();
  for (const target of targets) {
    const abs = path.resolve(cwd, target.replace(/[\\/]+$/, ''));
    const rel = toPosix(path.relative(repo.root, abs));
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new CairnError('USAGE', `${target} is outside the repository ${repo.root}`, { hint: 'give paths inside the repository' });
    }
    const dataRel = rel.endsWith(POINTER_SUFFIX) ? dataPathFor(rel) : rel;
    const exact = all.find((p) => p.dataPath === dataRel);
    if (exact) {
      out.set(exact.pointerPath, exact);
      continue;
    }
    const pointerFile = path.join(repo.root, dataRel + POINTER_SUFFIX);
    if (existsSync(pointerFile)) {
      // Not yet known to Git, but present: it counts.
      const pointer = await readPointer(pointerFile);
      out.set(dataRel + POINTER_SUFFIX, { pointerPath: dataRel + POINTER_SUFFIX, dataPath: dataRel, pointer });
      continue;
    }
    // A folder holding tracked paths stands for all of them.
    const inside = all.filter((p) => rel === '' || p.dataPath.startsWith(rel + '/'));
    if (inside.length && existsSync(abs) && statSync(abs).isDirectory()) {
      for (const p of inside) out.set(p.pointerPath, p);
      continue;
    }
    throw new CairnError('NOT_FOUND', `${target} is not tracked by cairn (no ${toPosix(path.relative(cwd, pointerFile))})`, {
      hint: 'track it with `cairn add`, or name a tracked path (`cairn ls` lists them)',
    });
  }
  return [...out.values()];
}

/** The pointers in scope: the targets (or the whole workspace), plus every pointer at the commits the flags add. */
export async function selectPointers(repo: Repo, cwd: string, scope: TransferScope): Promise<TrackedPointer[]> {
  const pointers = scope.targets?.length ? await pointersForTargets(repo, cwd, scope.targets) : await readWorkspacePointers(repo);
  if (scope.allBranches || scope.allTags || scope.allCommits) {
    if (!repo.git) {
      throw new CairnError('USAGE', '--all-branches, --all-tags and --all-commits need Git history', { hint: 'this repository was made with `cairn init --no-git`' });
    }
    const commits = await listScopeCommits(repo.root, scope);
    const scan = await scanCommits(repo, commits);
    const wanted = scope.targets?.length ? new Set(pointers.map((p) => p.dataPath)) : null;
    for (const p of scan.pointers) if (!wanted || wanted.has(p.dataPath)) pointers.push(p);
  }
  return pointers;
}

/** One transfer item per distinct (path, oid). Pure. */
export function itemsFromPointers(pointers: TrackedPointer[]): TransferItem[] {
  const seen = new Set<string>();
  const items: TransferItem[] = [];
  for (const { dataPath, pointer } of pointers) {
    const key = `${pointer.oid} ${dataPath}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({
      label: dataPath, oid: pointer.oid, kind: pointer.kind, size: pointer.size,
      ...(pointer.kind === 'dir' ? { files: pointer.files } : {}),
    });
  }
  return items;
}
