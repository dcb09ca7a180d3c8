import { formatBytes } from '../../core/formatBytes.js';
import { formatChange, formatValue } from '../../pipeline/metrics.js';
import type { StageChange } from '../../pipeline/diffStages.js';
import type { Report } from './buildReport.js';

/** The report's sections as header + rows of plain cells, shared by the Markdown and HTML renderings. Pure. */
export interface ReportTable {
  title: string;
  header: string[];
  rows: string[][];
  /** Said instead of an empty table. */
  empty: string;
}

const cmd = (c: string[]) => c.join(' && ');

function stageDetails(c: StageChange): string {
  const parts: string[] = [];
  if (c.cmd) parts.push(`cmd: ${cmd(c.cmd.old)} → ${cmd(c.cmd.new)}`);
  for (const [what, d] of [['deps', c.deps], ['outs', c.outs], ['params', c.params]] as const) {
    if (d.added.length) parts.push(`${what} added: ${d.added.join(', ')}`);
    if (d.removed.length) parts.push(`${what} removed: ${d.removed.join(', ')}`);
  }
  if (c.frozen) parts.push(c.frozen.new ? 'frozen' : 'unfrozen');
  if (c.deps_changed.length) parts.push(`inputs changed: ${c.deps_changed.join(', ')}`);
  if (c.outs_changed.length) parts.push(`outputs changed: ${c.outs_changed.join(', ')}`);
  return parts.join('; ');
}

export function reportTables(r: Report): ReportTable[] {
  const [a, b] = [r.base.rev, r.head.rev];
  const data = [
    ...r.data.added.map((e) => ['added', e.path, formatBytes(e.size)]),
    ...r.data.modified.map((e) => ['modified', e.path, `${formatBytes(e.old.size)} → ${formatBytes(e.new.size)}`]),
    ...r.data.deleted.map((e) => ['deleted', e.path, formatBytes(e.size)]),
    ...r.data.renamed.map((e) => ['renamed', `${e.from} → ${e.to}`, formatBytes(e.size)]),
  ];
  return [
    { title: 'Metrics', header: ['Path', 'Metric', a, b, 'Change'], rows: r.metrics.map((m) => [m.file, m.key, formatValue(m.old), formatValue(m.new), formatChange(m)]), empty: 'No metric changed.' },
    { title: 'Params', header: ['Path', 'Param', a, b], rows: r.params.map((p) => [p.file, p.key, formatValue(p.old), formatValue(p.new)]), empty: 'No param changed.' },
    { title: 'Data', header: ['Change', 'Path', 'Size'], rows: data, empty: 'No tracked data changed.' },
    { title: 'Stages', header: ['Stage', 'Change', 'Details'], rows: r.stages.map((s) => [s.stage, s.change, stageDetails(s)]), empty: 'No stage changed.' },
  ];
}

/** `main (1a2b3c4d) → workspace`. */
export function reportSides(r: Report): string {
  const side = (rev: string, commit: string | null) => (commit && !commit.startsWith(rev) ? `${rev} (${commit.slice(0, 8)})` : commit ? commit.slice(0, 8) : rev);
  return `${side(r.base.rev, r.base.commit)} → ${side(r.head.rev, r.head.commit)}`;
}
