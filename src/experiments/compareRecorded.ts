import type { LockEntry } from '../pipeline/lockFile.js';

/** One output of a verified stage: the oid recorded at the commit against the oid the run produced. */
export interface VerifiedOutput {
  stage: string;
  path: string;
  recorded_oid: string;
  /** Null when the stage did not run (it failed, or a stage it needs did). */
  reproduced_oid: string | null;
  recorded_size: number;
  reproduced_size: number | null;
  /** `frozen`: the stage is frozen, so its outputs were taken as recorded, not made again (not counted as differing). */
  status: 'match' | 'differs' | 'missing' | 'not-run' | 'frozen';
  match: boolean;
}

/** A dependency a stage ran on whose oid is not the one the commit recorded. */
export interface VerifiedInput {
  stage: string;
  path: string;
  recorded_oid: string;
  used_oid: string | null;
}

/**
 * Compares, stage by stage, the lock entries recorded at a commit with those a run just wrote. `ran` are the stages
 * that ran their commands; the others' entries are the recorded ones and prove nothing. Pure.
 */
export function compareRecorded(options: {
  stages: string[];
  recorded: Record<string, LockEntry>;
  now: Record<string, LockEntry>;
  ran: Set<string>;
  frozen?: Set<string>;
}): { outputs: VerifiedOutput[]; inputs: VerifiedInput[] } {
  const outputs: VerifiedOutput[] = [];
  const inputs: VerifiedInput[] = [];
  for (const stage of options.stages) {
    const before = options.recorded[stage];
    if (!before) continue;
    const after = options.ran.has(stage) ? options.now[stage] : undefined;
    for (const o of before.outs) {
      const made = after?.outs.find((x) => x.path === o.path);
      const status: VerifiedOutput['status'] = options.frozen?.has(stage) ? 'frozen'
        : !after ? 'not-run' : !made ? 'missing' : made.oid === o.oid ? 'match' : 'differs';
      outputs.push({
        stage, path: o.path, recorded_oid: o.oid, reproduced_oid: made?.oid ?? null, recorded_size: o.size, reproduced_size: made?.size ?? null,
        status, match: status === 'match' || status === 'frozen',
      });
    }
    if (!after) continue;
    for (const d of before.deps) {
      const used = after.deps.find((x) => x.path === d.path);
      if (used?.oid !== d.oid) inputs.push({ stage, path: d.path, recorded_oid: d.oid, used_oid: used?.oid ?? null });
    }
  }
  return { outputs, inputs };
}
