import { CairnError } from '../core/errors.js';
import { buildGraph, cycleError, findCycle, pathsOverlap, type StageGraph } from './dag.js';
import type { OutSpec, Pipeline, Stage } from './types.js';

/** Cross-stage rules of a pipeline: unique and non-nested outputs (but for a stage's metrics inside its own folder), no cycles, deps that exist or are produced. Pure. */

export interface ValidateOptions {
  /** Whether a repo-relative path exists in the workspace; when given, deps that neither exist nor are produced fail. */
  exists?: (repoPath: string) => boolean;
  graph?: StageGraph;
}

const kindWord = (o: OutSpec) => (o.kind === 'out' ? 'output' : o.kind === 'metric' ? 'metrics file' : 'plots file');

/** Outputs declared twice, or one inside another (sorting puts a folder right before what it contains). */
function checkOutputs(pipeline: Pipeline): void {
  // '/' sorts before every other character in `key`, so a folder is immediately followed by its contents.
  const all = [...pipeline.stages.values()].flatMap((s) => s.outs.map((o) => ({ stage: s.name, out: o, key: o.path.replace(/\//g, '\u0000') })));
  all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.stage < b.stage ? -1 : 1));
  const open: typeof all = [];
  for (const cur of all) {
    while (open.length && !pathsOverlap(open[open.length - 1].out.path, cur.out.path)) open.pop();
    const prev = open[open.length - 1];
    if (prev && prev.out.path === cur.out.path) {
      const who = prev.stage === cur.stage ? `stage "${cur.stage}" declares it twice` : `both stage "${prev.stage}" and stage "${cur.stage}" declare it`;
      throw new CairnError('INVALID', `${kindWord(cur.out)} "${cur.out.path}" is declared more than once: ${who}`, {
        hint: 'each output belongs to exactly one stage; remove it from one of them',
        data: { path: cur.out.path, stages: [prev.stage, cur.stage] },
      });
    }
    // As in DVC, a stage's metrics or plots file may sit inside one of its own output folders (DVCLive's layout).
    const ownView = prev && prev.stage === cur.stage && prev.out.kind === 'out' && cur.out.kind !== 'out';
    if (prev && !ownView) {
      throw new CairnError('INVALID', `${kindWord(cur.out)} "${cur.out.path}" of stage "${cur.stage}" is inside ${kindWord(prev.out)} "${prev.out.path}" of stage "${prev.stage}"`, {
        hint: 'outputs must not overlap; declare the folder or the files inside it, not both',
        data: { path: cur.out.path, inside: prev.out.path, stages: [prev.stage, cur.stage] },
      });
    }
    open.push(cur);
  }
}

function checkSelfDeps(stage: Stage): void {
  for (const dep of stage.deps) {
    const out = stage.outs.find((o) => pathsOverlap(o.path, dep));
    if (out) {
      throw new CairnError('INVALID', `stage "${stage.name}" has "${dep}" as a dep and "${out.path}" as an output: a stage cannot depend on its own output`, {
        hint: 'remove the path from deps (or from outs); use `persist: true` if the stage updates an existing output',
        data: { stage: stage.name, path: dep },
      });
    }
  }
}

/** A dep that neither exists in the workspace nor is (inside or around) some stage's output. */
function checkMissingDeps(pipeline: Pipeline, exists: (p: string) => boolean): void {
  const outs = [...pipeline.stages.values()].flatMap((s) => s.outs.map((o) => o.path));
  const outSet = new Set(outs);
  const produced = (dep: string) => {
    for (let p = dep; ; p = p.slice(0, p.lastIndexOf('/'))) {
      if (outSet.has(p)) return true;
      if (!p.includes('/')) break;
    }
    return outs.some((o) => o.startsWith(dep + '/'));
  };
  for (const name of [...pipeline.stages.keys()].sort()) {
    for (const dep of pipeline.stages.get(name)!.deps) {
      if (!produced(dep) && !exists(dep)) {
        throw new CairnError('INVALID', `stage "${name}" depends on "${dep}", which does not exist and is not an output of any stage`, {
          hint: `create ${dep}, fix the path in ${pipeline.file}, or add a stage that outputs it`,
          data: { stage: name, path: dep },
        });
      }
    }
  }
}

/** Throws INVALID for the first broken rule; returns the graph it built so callers need not build it again. */
export function validatePipeline(pipeline: Pipeline, options: ValidateOptions = {}): StageGraph {
  for (const stage of pipeline.stages.values()) checkSelfDeps(stage);
  checkOutputs(pipeline);
  const graph = options.graph ?? buildGraph(pipeline);
  const cycle = findCycle(pipeline, graph);
  if (cycle) throw cycleError(pipeline, cycle);
  if (options.exists) checkMissingDeps(pipeline, options.exists);
  return graph;
}
