import { CairnError } from '../core/errors.js';
import { formatValue } from '../pipeline/metrics.js';

/** The table of `cairn exp show`: rows of experiments, columns of metrics, params and data versions. Pure. */

export type ColumnGroup = 'metrics' | 'params' | 'deps';

export interface ExpRow {
  /** 'workspace', a baseline's short commit id (and branch), or an experiment's name. */
  label: string;
  kind: 'workspace' | 'baseline' | 'experiment';
  /** Full commit id (experiments, baselines). */
  commit?: string;
  /** For experiments: the baseline commit they started from. */
  baseline?: string;
  created?: number;
  /** By file then dotted key. */
  metrics: Record<string, Record<string, unknown>>;
  params: Record<string, Record<string, unknown>>;
  /** Dependency path → oid. */
  deps: Record<string, string>;
}

export interface Column {
  group: ColumnGroup;
  /** File for metrics and params; '' for deps. */
  file: string;
  /** Dotted key (metrics, params) or path (deps). */
  key: string;
  /** Header: the key alone when no other file has it, else `file:key`. */
  label: string;
}

/** The value of a column in a row. */
export function cell(row: ExpRow, col: Column): unknown {
  if (col.group === 'deps') return row.deps[col.key];
  return row[col.group][col.file]?.[col.key];
}

/** Every metrics, params and deps column any row has, in that order; with onlyChanged, only those whose values differ. */
export function expColumns(rows: ExpRow[], options: { onlyChanged?: boolean } = {}): Column[] {
  const cols: Column[] = [];
  for (const group of ['metrics', 'params'] as const) {
    const found = new Map<string, Set<string>>();
    for (const r of rows) for (const [file, values] of Object.entries(r[group])) for (const key of Object.keys(values)) {
      if (!found.has(file)) found.set(file, new Set());
      found.get(file)!.add(key);
    }
    const owners = new Map<string, number>();
    for (const keys of found.values()) for (const k of keys) owners.set(k, (owners.get(k) ?? 0) + 1);
    for (const file of [...found.keys()].sort()) {
      for (const key of [...found.get(file)!].sort()) cols.push({ group, file, key, label: owners.get(key)! > 1 ? `${file}:${key}` : key });
    }
  }
  const deps = new Set<string>();
  for (const r of rows) for (const p of Object.keys(r.deps)) deps.add(p);
  for (const p of [...deps].sort()) cols.push({ group: 'deps', file: '', key: p, label: p });
  if (!options.onlyChanged) return cols;
  return cols.filter((c) => new Set(rows.map((r) => JSON.stringify(cell(r, c) ?? null))).size > 1);
}

/** Finds the column `--sort-by` names: `metrics.acc`, `params.train.lr`, `file:key`, or a bare key. */
export function findColumn(cols: Column[], spec: string): Column {
  const m = /^(metrics|params|deps)\.(.+)$/.exec(spec);
  const group = m?.[1] as ColumnGroup | undefined;
  const rest = m ? m[2] : spec;
  const matches = cols.filter((c) => (!group || c.group === group) && (c.label === rest || c.key === rest || `${c.file}:${c.key}` === rest));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new CairnError('USAGE', `"${spec}" names several columns: ${matches.map((c) => `${c.group}.${c.file}:${c.key}`).join(', ')}`, { hint: 'add the file: e.g. --sort-by metrics.json:acc' });
  }
  throw new CairnError('NOT_FOUND', `no column "${spec}" in the experiments table`, {
    hint: `columns: ${cols.slice(0, 12).map((c) => `${c.group}.${c.label}`).join(', ')}${cols.length > 12 ? ', …' : ''}`,
  });
}

/** Sorts experiments by a column (rows without a value last), keeping each experiment under its baseline. */
export function sortRows(rows: ExpRow[], col: Column, order: 'asc' | 'desc'): ExpRow[] {
  const dir = order === 'asc' ? 1 : -1;
  const cmp = (a: ExpRow, b: ExpRow) => {
    const x = cell(a, col);
    const y = cell(b, col);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
    return String(x).localeCompare(String(y)) * dir;
  };
  // Rows come grouped (a baseline, then its experiments): experiments are sorted within their group.
  const out: ExpRow[] = [];
  let group: ExpRow[] = [];
  const flush = () => {
    out.push(...group.sort(cmp));
    group = [];
  };
  for (const r of rows) {
    if (r.kind === 'experiment') group.push(r);
    else {
      flush();
      out.push(r);
    }
  }
  flush();
  return out;
}

function display(row: ExpRow, col: Column): string {
  const v = cell(row, col);
  if (col.group === 'deps') return typeof v === 'string' ? v.slice(0, 8) : '—';
  return formatValue(v);
}

/** Shortens text to `width` with an ellipsis in the middle, keeping the start and end people recognise. */
export function elide(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, width);
  const keep = width - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

const MIN_WIDTH = 6;

/**
 * The table as lines for a terminal `width` columns wide (Infinity: no limit). When it does not fit, the widest
 * columns are elided first (down to a few characters) and then the last columns are left out, with a note saying how
 * many and how to see them.
 */
export function renderExpTable(rows: ExpRow[], cols: Column[], width = Infinity): string[] {
  const tree = (r: ExpRow, i: number) => {
    if (r.kind !== 'experiment') return r.label;
    const next = rows[i + 1];
    return `${next?.kind === 'experiment' ? '├──' : '└──'} ${r.label}`;
  };
  const header = ['Experiment', ...cols.map((c) => c.label)];
  const body = rows.map((r, i) => [tree(r, i), ...cols.map((c) => display(r, c))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  // Elide the widest column a step at a time: no column loses everything while another stays wide.
  while (total() > width) {
    let widest = 1;
    for (let i = 2; i < widths.length; i++) if (widths[i] > widths[widest]) widest = i;
    if (widths.length < 2 || widths[widest] <= MIN_WIDTH) break;
    widths[widest]--;
  }
  let shown = widths.length;
  while (shown > 2 && widths.slice(0, shown).reduce((a, b) => a + b, 0) + 2 * (shown - 1) > width) shown--;
  const line = (cells: string[]) => cells.slice(0, shown).map((c, i) => (i === shown - 1 ? elide(c, widths[i]) : elide(c, widths[i]).padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), ...body.map(line)];
  const hidden = widths.length - shown;
  if (hidden > 0) out.push('', ...wrap(`${hidden} more column${hidden > 1 ? 's' : ''} left out to fit ${width} characters; --only-changed, --csv, --json or a wider terminal show them.`, width));
  return out;
}

/** Word-wraps a note to `width`. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** CSV with a header row (RFC 4180 quoting). */
export function expCsv(rows: ExpRow[], cols: Column[]): string[] {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const raw = (r: ExpRow, c: Column) => {
    const v = cell(r, c);
    return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  };
  return [
    ['Experiment', 'kind', 'commit', 'baseline', ...cols.map((c) => `${c.group}.${c.file ? `${c.file}:` : ''}${c.key}`)].map(q).join(','),
    ...rows.map((r) => [r.label, r.kind, r.commit ?? '', r.baseline ?? '', ...cols.map((c) => raw(r, c))].map(q).join(',')),
  ];
}
