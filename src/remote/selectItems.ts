import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { listScopeCommits } from '../git/git.js';
import { dataPathFor, POINTER_SUFFIX, readPointer } from '../data/pointer.js';
import { lockOutputsInScan } from '../data/lockOutputs.js';
import { LOCK_FILE_NAME, scanCommits, type TrackedPointer } from '../data/pointersAtRev.js';
import { readWorkspaceTracked } from '../data/workspacePointers.js';
import type { TransferItem } from './transfer.js';

/** Which tracked paths a push, pull, fetch or status covers. */
export interface TransferScope {
  /** Data paths, pointer files or pipeline outputs (relative to `cwd`); none means every tracked path in the workspace. */
  targets?: string[];
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
  /** These commits too (experiments: `cairn exp push`). */
  commits?: string[];
  /** false: leave out the workspace's own pointers and outputs (only the commits in scope). */
  workspace?: boolean;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** Outputs with `push: false` stay local: no remote operation moves or counts them. */
const travels = (t: TrackedPointer) => t.output?.push !== false;

function localOnlyError(target: string, t: TrackedPointer): CairnError {
  return new CairnError('USAGE', `${target} is an output of stage '${t.output!.stage}' with push: false in cairn.yaml; it never goes to a remote`, {
    hint: `set push: true on that output and run \`cairn repro\`, or rebuild it where needed with \`cairn repro ${t.output!.stage}\``,
  });
}

/** The tracked paths the targets name; a target that is not tracked is an error that changes nothing. */
async function trackedForTargets(repo: Repo, cwd: string, targets: string[]): Promise<TrackedPointer[]> {
  const all = await readWorkspaceTracked(repo);
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
      if (!travels(exact)) throw localOnlyError(target, exact);
      out.set(exact.dataPath, exact);
      continue;
    }
    const pointerFile = path.join(repo.root, dataRel + POINTER_SUFFIX);
    if (existsSync(pointerFile)) {
      // Not yet known to Git, but present: it counts.
      const pointer = await readPointer(pointerFile);
      out.set(dataRel, { pointerPath: dataRel + POINTER_SUFFIX, dataPath: dataRel, pointer });
      continue;
    }
    // A folder holding tracked paths stands for all of them.
    const inside = all.filter((p) => rel === '' || p.dataPath.startsWith(rel + '/'));
    if (inside.length && existsSync(abs) && statSync(abs).isDirectory()) {
      for (const p of inside) if (travels(p)) out.set(p.dataPath, p);
      continue;
    }
    throw new CairnError('NOT_FOUND', `${target} is not tracked by cairn (no ${toPosix(path.relative(cwd, pointerFile))}, and no output of that path in ${LOCK_FILE_NAME})`, {
      hint: 'track it with `cairn add`, or name a tracked path or a pipeline output (`cairn ls` lists tracked paths)',
    });
  }
  return [...out.values()];
}

/**
 * What a remote operation covers: the targets (or every pointer and cached pipeline output of the workspace), plus
 * the pointers and root cairn.lock outputs at the commits the flags add. Outputs with `push: false` are left out.
 */
export async function selectPointers(repo: Repo, cwd: string, scope: TransferScope): Promise<TrackedPointer[]> {
  const selected = scope.targets?.length ? await trackedForTargets(repo, cwd, scope.targets)
    : scope.workspace === false ? [] : (await readWorkspaceTracked(repo)).filter(travels);
  if (scope.allBranches || scope.allTags || scope.allCommits || scope.commits?.length) {
    if (!repo.git) {
      throw new CairnError('USAGE', '--all-branches, --all-tags and --all-commits need Git history', { hint: 'this repository was made with `cairn init --no-git`' });
    }
    const commits = [...(scope.allBranches || scope.allTags || scope.allCommits ? await listScopeCommits(repo.root, scope) : []), ...(scope.commits ?? [])];
    const scan = await scanCommits(repo, commits);
    const wanted = scope.targets?.length ? new Set(selected.map((p) => p.dataPath)) : null;
    for (const p of [...scan.pointers, ...lockOutputsInScan(scan)]) {
      if (travels(p) && (!wanted || wanted.has(p.dataPath))) selected.push(p);
    }
  }
  return selected;
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
