import type { LockEntry } from './lockFile.js';
import type { Stage } from './types.js';

/** How one stage differs between two sides: its declaration in cairn.yaml and what its lock entry records. */
export interface StageChange {
  stage: string;
  change: 'added' | 'removed' | 'modified';
  /** The commands, when they changed. */
  cmd?: { old: string[]; new: string[] };
  deps: { added: string[]; removed: string[] };
  outs: { added: string[]; removed: string[] };
  params: { added: string[]; removed: string[] };
  /** Whether the frozen mark changed. */
  frozen?: { old: boolean; new: boolean };
  /** Outputs and deps whose recorded oids differ: the stage ran again on other inputs, or produced other bytes. */
  outs_changed: string[];
  deps_changed: string[];
}

export interface StageSide {
  stages: Map<string, Stage>;
  lock: Record<string, LockEntry>;
}

const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x)).sort();
const paramKeys = (s: Stage | undefined) => (s?.params ?? []).flatMap((p) => (p.keys === null ? [p.file] : p.keys.map((k) => `${p.file}:${k}`)));
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function changedOids(before: LockEntry['outs'] | undefined, after: LockEntry['outs'] | undefined): string[] {
  const old = new Map((before ?? []).map((o) => [o.path, o.oid]));
  return (after ?? []).filter((o) => old.has(o.path) && old.get(o.path) !== o.oid).map((o) => o.path).sort();
}

/** The stages that were added, removed, or changed in declaration or recorded results, by address. Pure. */
export function diffStages(before: StageSide, after: StageSide): StageChange[] {
  const names = [...new Set([...before.stages.keys(), ...after.stages.keys(), ...Object.keys(before.lock), ...Object.keys(after.lock)])].sort();
  const changes: StageChange[] = [];
  for (const stage of names) {
    const a = before.stages.get(stage);
    const b = after.stages.get(stage);
    if (!a && !b) continue;
    const c: StageChange = {
      stage,
      change: !a ? 'added' : !b ? 'removed' : 'modified',
      deps: { added: minus(b?.deps ?? [], a?.deps ?? []), removed: minus(a?.deps ?? [], b?.deps ?? []) },
      outs: { added: minus((b?.outs ?? []).map((o) => o.path), (a?.outs ?? []).map((o) => o.path)), removed: minus((a?.outs ?? []).map((o) => o.path), (b?.outs ?? []).map((o) => o.path)) },
      params: { added: minus(paramKeys(b), paramKeys(a)), removed: minus(paramKeys(a), paramKeys(b)) },
      outs_changed: changedOids(before.lock[stage]?.outs, after.lock[stage]?.outs),
      deps_changed: changedOids(before.lock[stage]?.deps, after.lock[stage]?.deps),
    };
    if (a && b && !same(a.cmd, b.cmd)) c.cmd = { old: a.cmd, new: b.cmd };
    if (a && b && a.frozen !== b.frozen) c.frozen = { old: a.frozen, new: b.frozen };
    const touched = c.change !== 'modified' || c.cmd || c.frozen || c.outs_changed.length || c.deps_changed.length
      || [c.deps, c.outs, c.params].some((x) => x.added.length || x.removed.length);
    if (touched) changes.push(c);
  }
  return changes;
}
