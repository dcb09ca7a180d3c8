import { CairnError } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import type { Pipeline, Stage } from './types.js';

/** The stage graph: B depends on A when a dep of B is, is inside, or contains an output of A. Pure. */

/** Whether two repo-relative paths are the same, or one is inside the other. */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(b + '/') || b.startsWith(a + '/');
}

export interface StageGraph {
  /** Stage names, sorted. */
  nodes: string[];
  /** name → the stages it depends on (its upstream), sorted. */
  upstream: Map<string, string[]>;
  /** name → the stages that depend on it (its downstream), sorted. */
  downstream: Map<string, string[]>;
  /** Each edge with the paths that make it, for `dag --json` and error messages. */
  edges: { from: string; to: string; paths: string[] }[];
  /** name → its params files that another stage writes (read only once that stage ran), with the writer. */
  paramsFrom: Map<string, { file: string; producer: string }[]>;
}

/** Builds the graph once; lookups by path prefix so a 200-stage pipeline stays fast. */
export function buildGraph(pipeline: Pipeline): StageGraph {
  const nodes = [...pipeline.stages.keys()].sort();
  const producers = new Map<string, string>();
  for (const stage of pipeline.stages.values()) for (const out of stage.outs) producers.set(out.path, stage.name);
  const outPaths = [...producers.keys()].sort();
  const upstream = new Map<string, string[]>(nodes.map((n) => [n, []]));
  const downstream = new Map<string, string[]>(nodes.map((n) => [n, []]));
  const edgeMap = new Map<string, { from: string; to: string; paths: string[] }>();
  const paramsFrom = new Map<string, { file: string; producer: string }[]>();
  for (const name of nodes) {
    const stage = pipeline.stages.get(name)!;
    // A params file is a dependency too (as in DVC): the stage that writes it runs first.
    const paramFiles = new Set(stage.params.map((p) => p.file));
    for (const dep of new Set([...stage.deps, ...paramFiles])) {
      for (const producer of producersOf(dep, producers, outPaths)) {
        if (producer === name) continue;
        if (paramFiles.has(dep)) paramsFrom.set(name, [...(paramsFrom.get(name) ?? []), { file: dep, producer }]);
        const key = `${producer}\0${name}`;
        const edge = edgeMap.get(key) ?? { from: producer, to: name, paths: [] };
        if (!edge.paths.includes(dep)) edge.paths.push(dep);
        edgeMap.set(key, edge);
      }
    }
  }
  const edges = [...edgeMap.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  for (const e of edges) {
    upstream.get(e.to)!.push(e.from);
    downstream.get(e.from)!.push(e.to);
  }
  for (const list of [...upstream.values(), ...downstream.values()]) list.sort();
  return { nodes, upstream, downstream, edges, paramsFrom };
}

/** Stages whose outputs equal, contain or lie inside `dep`. */
function producersOf(dep: string, producers: Map<string, string>, sortedOuts: string[]): Set<string> {
  const found = new Set<string>();
  // The dep itself, or any of its parent folders, being an output.
  let p = dep;
  for (;;) {
    const hit = producers.get(p);
    if (hit) found.add(hit);
    const slash = p.lastIndexOf('/');
    if (slash < 0) break;
    p = p.slice(0, slash);
  }
  // Outputs inside the dep folder: a binary search to the first path after `dep/`.
  const prefix = dep + '/';
  let lo = 0;
  let hi = sortedOuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedOuts[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sortedOuts.length && sortedOuts[i].startsWith(prefix); i++) found.add(producers.get(sortedOuts[i])!);
  return found;
}

/** A cycle as stage names in order, first repeated at the end (`['a', 'b', 'a']`), or null. Deterministic. */
export function findCycle(pipeline: Pipeline, graph: StageGraph = buildGraph(pipeline)): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    state.set(name, 1);
    stack.push(name);
    for (const next of graph.downstream.get(name) ?? []) {
      const s = state.get(next);
      if (s === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (s === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(name, 2);
    return null;
  };
  for (const name of graph.nodes) {
    if (!state.has(name)) {
      const found = visit(name);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Stage addresses a target selects: an address (`train`, `sub/cairn.yaml:train`, also `cairn.yaml:train` for the
 * root file), a foreach/matrix group (`build`, `sub/cairn.yaml:build`), a pipeline file (all its stages), or a bare
 * name that is unique across the pipeline files. A bare name used in several files is an ambiguity error.
 */
export function resolveTarget(pipeline: Pipeline, target: string): string[] {
  if (pipeline.stages.has(target)) return [target];
  const stages = [...pipeline.stages.values()];
  if (pipeline.files.includes(target)) return stages.filter((s) => s.source.file === target).map((s) => s.name).sort();
  const colon = target.lastIndexOf(':');
  const file = colon > 0 ? target.slice(0, colon) : null;
  const local = colon > 0 ? target.slice(colon + 1) : target;
  const inFile = file === null ? stages : stages.filter((s) => s.source.file === file);
  const exact = inFile.filter((s) => s.localName === local);
  const matches = exact.length ? exact : inFile.filter((s) => s.group !== undefined && s.source.key === local);
  const files = [...new Set(matches.map((s) => s.source.file))];
  if (files.length > 1) {
    const candidates = files.map((f) => (f === pipeline.file ? local : `${f}:${local}`));
    throw new CairnError('USAGE', `"${target}" names stages in ${files.length} pipeline files: ${candidates.join(', ')}`, {
      hint: `name one as path/to/cairn.yaml:stage, e.g. \`${candidates[1]}\``,
      data: { target, candidates },
    });
  }
  if (matches.length) return matches.map((s) => s.name).sort();
  const names = [...pipeline.stages.keys()];
  const guess = didYouMean(target, [...names, ...new Set(names.map((n) => n.split('@')[0]))]);
  throw new CairnError('NOT_FOUND', `no stage named "${target}" in ${pipeline.files.length > 1 ? 'the pipeline files' : pipeline.file}`, {
    hint: guess ? `did you mean "${guess}"? (\`cairn stage list\` shows all stages)` : '`cairn stage list` shows all stages',
    data: { target },
  });
}

/** Whether a target names stages (rather than, say, a metrics file). */
export function isStageTarget(pipeline: Pipeline, target: string): boolean {
  try {
    return resolveTarget(pipeline, target).length > 0;
  } catch (err) {
    if (err instanceof CairnError && err.code === 'USAGE') throw err;
    return false;
  }
}

function closure(start: string[], next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>(start);
  const queue = [...start];
  while (queue.length) for (const n of next.get(queue.pop()!) ?? []) if (!seen.has(n)) (seen.add(n), queue.push(n));
  return seen;
}

export interface TopoOptions {
  /** Select the targets and everything downstream of them, instead of everything upstream. */
  downstream?: boolean;
  /** A graph already built for this pipeline. */
  graph?: StageGraph;
}

/**
 * The stages to run in dependency order (upstream first; ties broken by name, so the order is deterministic).
 * Without targets: every stage. With targets: them plus their upstream (or downstream with `downstream`).
 */
export function topoOrder(pipeline: Pipeline, targets?: string[], options: TopoOptions = {}): Stage[] {
  const graph = options.graph ?? buildGraph(pipeline);
  const cycle = findCycle(pipeline, graph);
  if (cycle) throw cycleError(pipeline, cycle);
  let selected: Set<string>;
  if (!targets || targets.length === 0) selected = new Set(graph.nodes);
  else {
    const start = targets.flatMap((t) => resolveTarget(pipeline, t));
    selected = closure(start, options.downstream ? graph.downstream : graph.upstream);
  }
  // Kahn's algorithm over the selected subgraph with a sorted ready list.
  const indegree = new Map<string, number>();
  for (const n of selected) indegree.set(n, (graph.upstream.get(n) ?? []).filter((u) => selected.has(u)).length);
  const ready = [...selected].filter((n) => indegree.get(n) === 0).sort();
  const order: Stage[] = [];
  while (ready.length) {
    const name = ready.shift()!;
    order.push(pipeline.stages.get(name)!);
    let added = false;
    for (const d of graph.downstream.get(name) ?? []) {
      if (!selected.has(d)) continue;
      const left = indegree.get(d)! - 1;
      indegree.set(d, left);
      if (left === 0) (ready.push(d), (added = true));
    }
    if (added) ready.sort();
  }
  return order;
}

export function cycleError(pipeline: Pipeline, cycle: string[]): CairnError {
  return new CairnError('INVALID', `${pipeline.file} has a dependency cycle: ${cycle.join(' -> ')}`, {
    hint: 'a stage cannot depend, directly or through others, on its own outputs; remove one of these deps',
    data: { cycle },
  });
}
