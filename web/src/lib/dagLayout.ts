/** The pipeline view's pure parts: a layered layout of the stage DAG, and the changes of tracked data between commits. */

export interface DagNode {
  name: string;
  cmd: string[];
  deps: string[];
  outs: string[];
  frozen: boolean;
  /** The workspace's view only: whether `cairn repro` would run the stage, and why. */
  status?: 'up-to-date' | 'changed' | 'frozen' | 'unknown';
  reasons?: string[];
}
export interface Dag {
  nodes: DagNode[];
  edges: Array<{ from: string; to: string; paths: string[] }>;
}
export interface TrackedEntry {
  path: string;
  kind: string;
  oid: string;
  size: number;
  files?: number;
  stage?: string;
  pointer_file?: string;
}
export interface TrackedData {
  commit: string;
  data: TrackedEntry[];
}

/** Each stage in the column of its longest path from a source; stages of a column stacked in name order. */
export function layoutDag(dag: Dag, sizes = { nodeWidth: 170, nodeHeight: 48, gapX: 60, gapY: 20 }) {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of dag.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.from]);
  const visit = (name: string, seen: Set<string>): number => {
    if (depth.has(name)) return depth.get(name)!;
    if (seen.has(name)) return 0;
    seen.add(name);
    const d = Math.max(-1, ...(incoming.get(name) ?? []).map((p) => visit(p, seen))) + 1;
    depth.set(name, d);
    return d;
  };
  for (const n of dag.nodes) visit(n.name, new Set());
  const columns = new Map<number, DagNode[]>();
  for (const n of [...dag.nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    const d = depth.get(n.name) ?? 0;
    columns.set(d, [...(columns.get(d) ?? []), n]);
  }
  const pos = new Map<string, { x: number; y: number }>();
  const nodes = dag.nodes.map((n) => {
    const d = depth.get(n.name) ?? 0;
    const row = columns.get(d)!.indexOf(n);
    const p = { x: 10 + d * (sizes.nodeWidth + sizes.gapX), y: 10 + row * (sizes.nodeHeight + sizes.gapY) };
    pos.set(n.name, p);
    return { ...n, ...p };
  });
  const edges = dag.edges
    .filter((e) => pos.has(e.from) && pos.has(e.to))
    .map((e) => {
      const a = pos.get(e.from)!;
      const b = pos.get(e.to)!;
      const x1 = a.x + sizes.nodeWidth;
      const y1 = a.y + sizes.nodeHeight / 2;
      const x2 = b.x;
      const y2 = b.y + sizes.nodeHeight / 2;
      const mid = (x1 + x2) / 2;
      return { ...e, path: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}` };
    });
  const maxCol = Math.max(0, ...columns.keys());
  const maxRows = Math.max(1, ...[...columns.values()].map((c) => c.length));
  return {
    nodes,
    edges,
    nodeWidth: sizes.nodeWidth,
    nodeHeight: sizes.nodeHeight,
    width: 20 + (maxCol + 1) * (sizes.nodeWidth + sizes.gapX),
    height: 20 + maxRows * (sizes.nodeHeight + sizes.gapY),
  };
}

export type DataChange = { path: string; change: 'added' | 'removed' | 'modified'; before?: TrackedEntry; after?: TrackedEntry };

/** What differs between the tracked data of two commits, by path. */
export function dataChanges(before: TrackedData, after: TrackedData): DataChange[] {
  const a = new Map(before.data.map((d) => [d.path, d]));
  const b = new Map(after.data.map((d) => [d.path, d]));
  const out: DataChange[] = [];
  for (const [path, d] of b) {
    const old = a.get(path);
    if (!old) out.push({ path, change: 'added', after: d });
    else if (old.oid !== d.oid) out.push({ path, change: 'modified', before: old, after: d });
  }
  for (const [path, d] of a) if (!b.has(path)) out.push({ path, change: 'removed', before: d });
  return out.sort((x, y) => x.path.localeCompare(y.path));
}
