import { pathsOverlap } from '../../pipeline/dag.js';
import type { LockEntry } from '../../pipeline/lockFile.js';
import type { Pipeline } from '../../pipeline/types.js';

/** A stage in the chain that produced a model, with what it last ran on (from cairn.lock at the version's commit). */
export interface ProducingStage {
  name: string;
  cmd: string[];
  deps: Array<{ path: string; oid: string | null }>;
  params: Record<string, Record<string, unknown>>;
  outs: Array<{ path: string; oid: string | null }>;
}

/**
 * The stages whose outputs make `target`, and the stages upstream of them through their dependencies, upstream
 * first. Empty when no stage produces it (a model added with `cairn add`). Pure.
 */
export function producingStages(pipeline: Pipeline, locks: Map<string, LockEntry>, target: string): ProducingStage[] {
  const producers = (p: string) => [...pipeline.stages.values()].filter((s) => s.outs.some((o) => pathsOverlap(o.path, p)));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of pipeline.stages.get(name)!.deps) for (const s of producers(dep)) visit(s.name);
    order.push(name);
  };
  for (const s of producers(target)) visit(s.name);
  return order.map((name) => {
    const stage = pipeline.stages.get(name)!;
    const lock = locks.get(name);
    const oidOf = (list: Array<{ path: string; oid: string }> | undefined, p: string) => list?.find((x) => x.path === p)?.oid ?? null;
    return {
      name,
      cmd: stage.cmd,
      deps: stage.deps.map((d) => ({ path: d, oid: oidOf(lock?.deps, d) })),
      params: lock?.params ?? {},
      outs: stage.outs.map((o) => ({ path: o.path, oid: oidOf(lock?.outs, o.path) })),
    };
  });
}
