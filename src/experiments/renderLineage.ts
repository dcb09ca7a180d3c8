import { formatBytes } from '../core/formatBytes.js';
import type { FileLineage, LineageRun } from './fileLineage.js';

/** `cairn lineage` for people (indented text) and for documents (a Mermaid flowchart). Pure. */

const short = (oid: string) => oid.slice(0, 12);

function runLine(run: LineageRun | null): string {
  if (!run) return 'run: none recorded';
  const metrics = Object.entries(run.metrics).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  return `run: ${run.run_id.slice(0, 8)} ${run.run_name} (${run.status})${metrics.length ? `  ${metrics.join(' ')}` : ''}`;
}

function flatParams(params: FileLineage['params']): string[] {
  const flat = (prefix: string, v: unknown): string[] => v && typeof v === 'object' && !Array.isArray(v)
    ? Object.entries(v).flatMap(([k, x]) => flat(prefix ? `${prefix}.${k}` : k, x))
    : [`${prefix} = ${JSON.stringify(v)}`];
  return Object.entries(params).flatMap(([file, values]) => flat('', values).map((l) => `${file}: ${l}`));
}

export function renderLineageText(l: FileLineage): string[] {
  const t = l.target;
  const what = t.stage ? `output of stage ${t.stage}` : `added data (${t.pointer})`;
  const inside = t.tracked_path !== t.path ? ` (inside ${t.tracked_path})` : '';
  const lines = [
    `${t.path} at commit ${l.commit.slice(0, 12)}`,
    `  ${what}${inside}: oid ${short(t.oid)}, ${formatBytes(t.size)}${t.files !== undefined ? `, ${t.files} files` : ''}`,
  ];
  for (const s of l.stages) {
    lines.push('', `stage ${s.stage}  (${s.lock_file})${s.upstream.length ? `  after ${s.upstream.join(', ')}` : ''}`);
    for (const c of s.cmd) lines.push(`  cmd:  ${c}`);
    for (const d of s.deps) lines.push(`  dep:  ${d.path}  ${short(d.oid)}`);
    for (const o of s.outs) lines.push(`  out:  ${o.path}  ${short(o.oid)}`);
    lines.push(`  ${runLine(s.run)}`);
  }
  lines.push('', 'inputs (data versions):');
  for (const i of l.inputs) lines.push(`  ${i.path}  ${short(i.oid)}  ${i.tracked_by === 'pointer' ? `(${i.pointer})` : `(${i.tracked_by})`}`);
  if (l.inputs.length === 0) lines.push('  none');
  const params = flatParams(l.params);
  if (params.length) lines.push('', 'params:', ...params.map((p) => `  ${p}`));
  if (l.notes.length) lines.push('', ...l.notes.map((n) => `note: ${n}`));
  return lines;
}

const label = (s: string) => s.replace(/"/g, '#quot;');

/** Data as rounded nodes, stages as boxes: input → stage → output, as `cairn dag --mermaid` draws stages. */
export function renderLineageMermaid(l: FileLineage): string[] {
  const ids = new Map<string, string>();
  const nodes: string[] = [];
  const id = (key: string, text: string, shape: 'data' | 'stage') => {
    let known = ids.get(key);
    if (!known) {
      known = `n${ids.size}`;
      ids.set(key, known);
      nodes.push(shape === 'stage' ? `  ${known}["${label(text)}"]` : `  ${known}("${label(text)}")`);
    }
    return known;
  };
  const data = (path: string, oid: string) => id(`d ${path}`, `${path}<br/>${short(oid)}`, 'data');
  const edges = new Set<string>();
  for (const s of l.stages) {
    const stage = id(`s ${s.stage}`, `stage ${s.stage}<br/>${s.cmd.join(' && ')}`, 'stage');
    for (const d of s.deps) edges.add(`  ${data(d.path, d.oid)} --> ${stage}`);
    for (const o of s.outs) edges.add(`  ${stage} --> ${data(o.path, o.oid)}`);
  }
  if (l.stages.length === 0) data(l.target.tracked_path, l.target.oid);
  return ['flowchart LR', ...nodes, ...edges];
}
