import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { diffTrees, type DataDiff, type FileListingEntry } from './diffTrees.js';
import { loadTreeCached, type TreeCache, type UnreadableTree } from './expandPointers.js';
import { ObjectStore } from './objectStore.js';
import type { TrackedPointer } from './pointersAtRev.js';
import { scanPath } from './scanPath.js';
import { trackedAtRev } from './trackedAtRev.js';
import { readWorkspaceTracked } from './workspacePointers.js';

/** One tracked path on one side: its oid (blob or tree), and its files when they are known. */
interface SideEntry {
  oid: string;
  size: number;
  /** Files with repo-relative paths; null when the directory's tree object could not be read. */
  files: FileListingEntry[] | null;
}

type Side = Map<string, SideEntry>;

export interface DiffDataResult extends DataDiff {
  /** The commit of each side; `b` is null for the workspace. */
  a: { rev: string; commit: string };
  b: { rev: string; commit: string } | null;
  /** Directories compared as a whole because a tree object is missing from the cache. */
  unreadable: UnreadableTree[];
  /** Tracked paths whose data is absent from the workspace (their files count as deleted). */
  absent: string[];
  /** The pipeline outputs (recorded in cairn.lock on either side) among the compared paths, with their stage. */
  outputs: Array<{ path: string; stage: string }>;
}

const under = (p: string, prefix: string) => p === prefix || p.startsWith(prefix + '/');

/** Pipeline outputs met while reading the sides: data path -> stage. */
type Outputs = Map<string, string>;

function noteOutput(outputs: Outputs, p: TrackedPointer): void {
  if (p.output) outputs.set(p.dataPath, p.output.stage);
}

async function revSide(repo: Repo, rev: string, trees: TreeCache, found: { unreadable: UnreadableTree[]; outputs: Outputs }): Promise<{ commit: string; side: Side }> {
  const { commit, pointers } = await trackedAtRev(repo, rev);
  const store = new ObjectStore(repo.cacheDir);
  const side: Side = new Map();
  for (const p of pointers) {
    noteOutput(found.outputs, p);
    side.set(p.dataPath, await fromPointer(store, p, trees, found.unreadable));
  }
  return { commit, side };
}

async function fromPointer(store: ObjectStore, p: TrackedPointer, trees: TreeCache, unreadable: UnreadableTree[]): Promise<SideEntry> {
  const { oid, size, kind } = p.pointer;
  if (kind === 'file') return { oid, size, files: [{ path: p.dataPath, oid, size }] };
  const tree = await loadTreeCached(store, oid, trees);
  if (typeof tree === 'string') {
    unreadable.push({ path: p.dataPath, oid, reason: tree });
    return { oid, size, files: null };
  }
  return { oid, size, files: tree.entries.map((e) => ({ path: `${p.dataPath}/${e.path}`, oid: e.oid, size: e.size })) };
}

/** The workspace side: current content of every tracked path, hashed (the state index skips unchanged files). */
async function workspaceSide(repo: Repo, keep: (dataPath: string) => boolean, ctx: RunContext, found: { absent: string[]; outputs: Outputs }): Promise<Side> {
  const side: Side = new Map();
  const absent = found.absent;
  for (const p of await readWorkspaceTracked(repo)) {
    if (!keep(p.dataPath)) continue;
    noteOutput(found.outputs, p);
    const abs = path.join(repo.root, p.dataPath);
    if (!existsSync(abs)) {
      absent.push(p.dataPath);
      continue;
    }
    const scan = await scanPath(repo, abs, { store: false, ctx });
    side.set(p.dataPath, {
      oid: scan.info.oid,
      size: scan.info.size,
      files: scan.entries.map((e) => ({ path: e.path ? `${p.dataPath}/${e.path}` : p.dataPath, oid: e.oid, size: e.size })),
    });
  }
  return side;
}

/** Flattens both sides to file listings; a path whose files are unknown on either side is compared as one entry. */
function flatten(a: Side, b: Side): [FileListingEntry[], FileListingEntry[]] {
  const left: FileListingEntry[] = [];
  const right: FileListingEntry[] = [];
  for (const tracked of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(tracked);
    const y = b.get(tracked);
    const whole = (x && x.files === null) || (y && y.files === null);
    for (const [entry, out] of [[x, left], [y, right]] as const) {
      if (!entry) continue;
      if (whole) out.push({ path: tracked, oid: entry.oid, size: entry.size });
      else out.push(...entry.files!);
    }
  }
  return [left, right];
}

/**
 * Files added, modified, deleted and renamed inside tracked data between revision `a` (default HEAD) and revision
 * `b`, or the workspace when `b` is undefined. `targets` (repo-relative) narrow the result to paths under them.
 */
export async function diffData(
  repo: Repo,
  options: { a?: string; b?: string; targets?: string[] },
  ctx: RunContext,
): Promise<DiffDataResult> {
  const targets = options.targets ?? [];
  const keep = (p: string) => targets.length === 0 || targets.some((t) => under(p, t) || under(t, p));
  const trees: TreeCache = new Map();
  const unreadable: UnreadableTree[] = [];
  const absent: string[] = [];
  const revA = options.a ?? 'HEAD';
  const outputs: Outputs = new Map();
  const left = await revSide(repo, revA, trees, { unreadable, outputs });
  const right = options.b !== undefined ? await revSide(repo, options.b, trees, { unreadable, outputs }) : null;
  const rightSide = right ? right.side : await workspaceSide(repo, keep, ctx, { absent, outputs });
  const [before, after] = flatten(left.side, rightSide);
  const narrow = (list: FileListingEntry[]) => list.filter((f) => keep(f.path));
  if (targets.length) {
    const known = [...left.side.keys(), ...rightSide.keys(), ...absent];
    for (const t of targets) {
      if (!known.some((k) => under(k, t) || under(t, k))) {
        throw new CairnError('NOT_FOUND', `${t} is not tracked at ${revA}${options.b !== undefined ? ` or ${options.b}` : ' or in the workspace'}`, {
          hint: 'run `cairn ls` to see the tracked paths',
        });
      }
    }
  }
  const diff = diffTrees(narrow(before), narrow(after));
  return {
    ...diff,
    a: { rev: revA, commit: left.commit },
    b: right ? { rev: options.b!, commit: right.commit } : null,
    unreadable: unreadable.filter((u) => keep(u.path)),
    absent,
    outputs: [...outputs].filter(([p]) => keep(p)).map(([p, stage]) => ({ path: p, stage })).sort((x, y) => (x.path < y.path ? -1 : 1)),
  };
}
