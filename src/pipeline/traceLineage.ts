import { CairnError } from '../core/errors.js';
import type { LockDep, LockParams } from './lockFile.js';
import type { LockedStage } from './lockedStagesAt.js';

/** Data tracked by a pointer file at the commit: its path, and the version the pointer records. */
export interface PointedData {
  path: string;
  pointer: string;
  oid: string;
  size: number;
  files?: number;
}

/** The tracked path a lineage starts from: a stage's output, or data a pointer file tracks (or a file inside either). */
export interface LineageTarget {
  path: string;
  /** The tracked path that holds it (the path itself, or the output/pointed folder it sits in). */
  tracked_path: string;
  oid: string;
  size: number;
  files?: number;
  /** The stage whose output it is; null for data added with `cairn add`. */
  stage: string | null;
  pointer: string | null;
}

/** An input of the chain that no stage of it produced: the data version it was at. */
export interface LineageInput extends LockDep {
  /** `pointer`: tracked by that pointer file; `git`: a file committed to Git (code, params); `workspace`: neither. */
  tracked_by: 'pointer' | 'git' | 'workspace';
  pointer?: string;
  /** The stages of the chain that read it. */
  used_by: string[];
}

export interface LineageChainStage extends LockedStage {
  /** Stages of the chain whose outputs this one reads. */
  upstream: string[];
}

export interface LineageChain {
  target: LineageTarget;
  /** The stages behind the target, upstream first, the one producing the target last. */
  stages: LineageChainStage[];
  inputs: LineageInput[];
  /** Every param value the chain's stages ran with, by params file then key. */
  params: LockParams;
}

const within = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** The stages whose outputs a dependency path reads: an output equal to it, holding it, or inside it (a folder dep). */
function producersOf(dep: string, stages: LockedStage[]): LockedStage[] {
  return stages.filter((s) => s.outs.some((o) => within(dep, o.path) || within(o.path, dep)));
}

/** Where the target path is tracked at the commit: a stage output first (as cairn.lock wins over a stray pointer). */
function findTarget(path: string, stages: LockedStage[], pointed: PointedData[]): LineageTarget {
  for (const s of stages) {
    const out = s.outs.find((o) => within(path, o.path));
    if (out) return { path, tracked_path: out.path, oid: out.oid, size: out.size, ...(out.files !== undefined ? { files: out.files } : {}), stage: s.stage, pointer: null };
  }
  const p = pointed.find((d) => within(path, d.path));
  if (p) return { path, tracked_path: p.path, oid: p.oid, size: p.size, ...(p.files !== undefined ? { files: p.files } : {}), stage: null, pointer: p.pointer };
  throw new CairnError('NOT_FOUND', `${path} is not tracked at this commit: no stage outputs it and no pointer file tracks it`, {
    hint: '`cairn ls` lists the tracked paths (`cairn ls --rev REV` at another commit); lineage follows pipeline outputs and added data',
    data: { path },
  });
}

/**
 * The chain behind a tracked path, from the lock entries and pointers at one commit: the stage that produced it and,
 * transitively, the stages it read from; the inputs no stage of the chain produced, with the versions recorded; and
 * the params. `gitFiles` says which leaf inputs are committed to Git. Pure.
 */
export function traceLineage(options: { path: string; stages: LockedStage[]; pointed: PointedData[]; gitFiles: Set<string> }): LineageChain {
  const { stages, pointed } = options;
  const target = findTarget(options.path, stages, pointed);
  const chain = new Map<string, LineageChainStage>();
  // Depth-first from the target's stage, adding a stage after its upstream so the list comes out upstream first.
  const visiting = new Set<string>();
  const visit = (s: LockedStage) => {
    if (chain.has(s.stage) || visiting.has(s.stage)) return;
    visiting.add(s.stage);
    const upstream = new Set<string>();
    for (const d of s.deps) for (const p of producersOf(d.path, stages)) if (p.stage !== s.stage) {
      upstream.add(p.stage);
      visit(p);
    }
    chain.set(s.stage, { ...s, upstream: [...upstream].sort() });
  };
  const own = stages.find((s) => s.stage === target.stage);
  if (own) visit(own);
  const ordered = [...chain.values()];
  const inputs = new Map<string, LineageInput>();
  for (const s of ordered) {
    for (const d of s.deps) {
      if (producersOf(d.path, ordered).some((p) => p.stage !== s.stage)) continue;
      const known = inputs.get(`${d.path} ${d.oid}`);
      if (known) {
        known.used_by.push(s.stage);
        continue;
      }
      const p = pointed.find((x) => within(d.path, x.path));
      const tracked_by = p ? 'pointer' : options.gitFiles.has(d.path) ? 'git' : 'workspace';
      inputs.set(`${d.path} ${d.oid}`, { ...d, tracked_by, ...(p ? { pointer: p.pointer } : {}), used_by: [s.stage] });
    }
  }
  if (target.stage === null && target.pointer) {
    // Added data has no stage: it is its own (only) input.
    inputs.set(target.tracked_path, { path: target.tracked_path, oid: target.oid, size: target.size, ...(target.files !== undefined ? { files: target.files } : {}), tracked_by: 'pointer', pointer: target.pointer, used_by: [] });
  }
  const params: LockParams = {};
  for (const s of ordered) for (const [file, values] of Object.entries(s.params)) params[file] = { ...params[file], ...values };
  return { target, stages: ordered, inputs: [...inputs.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), params };
}
