import type { Stage } from './types.js';
import { sortKeysDeep, type LockEntry, type LockParams } from './lockFile.js';

/** What cairn knows about a path in the workspace right now; null when it does not exist. */
export interface PathState {
  kind: 'file' | 'dir';
  oid: string;
  size: number;
  files?: number;
  exec?: boolean;
}

/** The current state of everything a stage's status depends on. */
export interface StageInputs {
  deps: Map<string, PathState | null>;
  outs: Map<string, PathState | null>;
  /** Current values of the stage's params, by file then dotted key. */
  params: LockParams;
}

export type ReasonKind =
  | 'new' | 'cmd' | 'dep-added' | 'dep-removed' | 'dep-missing' | 'dep-modified' | 'params'
  | 'out-added' | 'out-removed' | 'out-missing' | 'out-modified' | 'always-changed' | 'upstream' | 'forced' | 'params-later';

export interface StageReason {
  kind: ReasonKind;
  /** The dep or out path, the `file:key` of a param, or the upstream stage name. */
  subject?: string;
  message: string;
}

export interface StageStatus {
  changed: boolean;
  reasons: StageReason[];
}

const canon = (v: unknown) => JSON.stringify(sortKeysDeep(v)) ?? 'undefined';
const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

function compareParams(current: LockParams, locked: LockParams, reasons: StageReason[]): void {
  const files = new Set([...Object.keys(current), ...Object.keys(locked)]);
  for (const file of [...files].sort()) {
    const now = current[file] ?? {};
    const then = locked[file] ?? {};
    const keys = new Set([...Object.keys(now), ...Object.keys(then)]);
    for (const key of [...keys].sort()) {
      if (canon(now[key]) === canon(then[key])) continue;
      reasons.push({ kind: 'params', subject: `${file}:${key}`, message: `param ${key} (${file}) changed: ${show(then[key])} -> ${show(now[key])}` });
    }
  }
}

/** Decides whether a stage changed since its lock entry, and lists every reason. Pure: all hashing happened before. */
export function stageStatus(stage: Stage, entry: LockEntry | undefined, inputs: StageInputs): StageStatus {
  const reasons: StageReason[] = [];
  if (stage.alwaysChanged) reasons.push({ kind: 'always-changed', message: 'always_changed is set' });
  if (!entry) {
    reasons.push({ kind: 'new', message: 'never run (no entry in cairn.lock)' });
    return { changed: true, reasons };
  }
  if (canon(stage.cmd) !== canon(entry.cmd)) reasons.push({ kind: 'cmd', message: 'command changed' });

  const lockedDeps = new Map(entry.deps.map((d) => [d.path, d]));
  for (const dep of stage.deps) {
    const locked = lockedDeps.get(dep);
    const now = inputs.deps.get(dep) ?? null;
    if (!locked) reasons.push({ kind: 'dep-added', subject: dep, message: `new dependency ${dep}` });
    else if (!now) reasons.push({ kind: 'dep-missing', subject: dep, message: `dependency ${dep} is missing` });
    else if (now.oid !== locked.oid) reasons.push({ kind: 'dep-modified', subject: dep, message: `dependency ${dep} modified` });
  }
  const declaredDeps = new Set(stage.deps);
  for (const dep of entry.deps) {
    if (!declaredDeps.has(dep.path)) reasons.push({ kind: 'dep-removed', subject: dep.path, message: `dependency ${dep.path} removed` });
  }

  compareParams(inputs.params, entry.params, reasons);

  const lockedOuts = new Map(entry.outs.map((o) => [o.path, o]));
  for (const out of stage.outs) {
    const locked = lockedOuts.get(out.path);
    const now = inputs.outs.get(out.path) ?? null;
    if (!locked) reasons.push({ kind: 'out-added', subject: out.path, message: `new output ${out.path}` });
    else if (!now) reasons.push({ kind: 'out-missing', subject: out.path, message: `output ${out.path} is missing` });
    else if (now.oid !== locked.oid) reasons.push({ kind: 'out-modified', subject: out.path, message: `output ${out.path} modified` });
  }
  const declaredOuts = new Set(stage.outs.map((o) => o.path));
  for (const out of entry.outs) {
    if (!declaredOuts.has(out.path)) reasons.push({ kind: 'out-removed', subject: out.path, message: `output ${out.path} removed` });
  }
  return { changed: reasons.length > 0, reasons };
}
