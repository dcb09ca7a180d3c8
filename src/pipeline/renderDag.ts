import type { StageGraph } from './dag.js';
import type { Pipeline } from './types.js';

/** The stage graph as terminal text (layered boxes), Mermaid, Graphviz dot, or JSON data. Pure. */

export interface DagView {
  nodes: { name: string; cmd: string[]; deps: string[]; outs: string[]; frozen: boolean; desc?: string }[];
  edges: { from: string; to: string; paths: string[] }[];
}

/** The part of the graph to show: the selected stage names (all when undefined). */
export function dagView(pipeline: Pipeline, graph: StageGraph, selected?: Set<string>): DagView {
  const keep = (n: string) => !selected || selected.has(n);
  return {
    nodes: graph.nodes.filter(keep).map((name) => {
      const s = pipeline.stages.get(name)!;
      return { name, cmd: s.cmd, deps: s.deps, outs: s.outs.map((o) => o.path), frozen: s.frozen, ...(s.desc ? { desc: s.desc } : {}) };
    }),
    edges: graph.edges.filter((e) => keep(e.from) && keep(e.to)),
  };
}

/** Layer of each stage: 0 for stages with no upstream, else one more than its deepest upstream. */
export function layersOf(view: DagView): string[][] {
  const ups = new Map<string, string[]>(view.nodes.map((n) => [n.name, []]));
  for (const e of view.edges) ups.get(e.to)!.push(e.from);
  const depth = new Map<string, number>();
  const visit = (n: string): number => {
    const known = depth.get(n);
    if (known !== undefined) return known;
    depth.set(n, 0);
    const d = Math.max(-1, ...ups.get(n)!.map(visit)) + 1;
    depth.set(n, d);
    return d;
  };
  const layers: string[][] = [];
  for (const n of view.nodes) (layers[visit(n.name)] ??= []).push(n.name);
  return layers.map((l) => l.sort());
}

function boxRow(names: string[], label: (n: string) => string): string[] {
  const labels = names.map(label);
  const top = labels.map((l) => `┌${'─'.repeat(l.length + 2)}┐`).join('  ');
  const mid = labels.map((l) => `│ ${l} │`).join('  ');
  const bottom = labels.map((l) => `└${'─'.repeat(l.length + 2)}┘`).join('  ');
  return [top, mid, bottom];
}

/** Layered boxes, upstream on top; the lines between layers say which stages feed which. */
export function renderAscii(view: DagView, options: { width?: number } = {}): string[] {
  if (view.nodes.length === 0) return [];
  const width = options.width ?? 100;
  const frozen = new Set(view.nodes.filter((n) => n.frozen).map((n) => n.name));
  const label = (n: string) => (frozen.has(n) ? `${n} (frozen)` : n);
  const into = new Map<string, string[]>();
  for (const e of view.edges) (into.get(e.to) ?? into.set(e.to, []).get(e.to)!).push(e.from);
  const lines: string[] = [];
  layersOf(view).forEach((layer, i) => {
    if (i > 0) {
      const arrivals = layer.filter((n) => into.has(n));
      for (const n of arrivals) lines.push(`    │ ${into.get(n)!.sort().join(', ')} ──▶ ${n}`);
      lines.push('    ▼');
    }
    // Wrap a wide layer (a fan-out) into several rows of boxes.
    let row: string[] = [];
    let used = 0;
    for (const n of layer) {
      const w = label(n).length + 6;
      if (row.length && used + w > width) (lines.push(...boxRow(row, label)), (row = []), (used = 0));
      row.push(n);
      used += w;
    }
    if (row.length) lines.push(...boxRow(row, label));
  });
  return lines;
}

const mermaidId = (i: number) => `s${i}`;
const quote = (s: string) => s.replace(/"/g, '#quot;');

export function renderMermaid(view: DagView): string[] {
  const ids = new Map(view.nodes.map((n, i) => [n.name, mermaidId(i)]));
  return [
    'flowchart TD',
    ...view.nodes.map((n) => `  ${ids.get(n.name)}["${quote(n.name)}"]`),
    ...view.edges.map((e) => `  ${ids.get(e.from)} --> ${ids.get(e.to)}`),
  ];
}

const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function renderDot(view: DagView): string[] {
  return [
    'digraph cairn {',
    '  rankdir=TB;',
    '  node [shape=box, style=rounded];',
    ...view.nodes.map((n) => `  ${dotString(n.name)}${n.frozen ? ' [style="rounded,dashed"]' : ''};`),
    ...view.edges.map((e) => `  ${dotString(e.from)} -> ${dotString(e.to)};`),
    '}',
  ];
}
