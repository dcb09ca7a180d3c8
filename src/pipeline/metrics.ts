import type { Repo } from '../core/repo.js';
import { resolveTarget } from './dag.js';
import { loadPipeline } from './loadPipeline.js';
import { expandMetricsFolders } from './metricsFolder.js';
import { flattenKeys, parseStructured, readParams, readTextAt } from './params.js';
import type { Pipeline } from './types.js';

/** Metrics and params values across Git revisions and the workspace, flattened to dotted keys, and their diffs. */

/** file → dotted key → value, or an error message for a file that could not be read. */
export type ValuesByFile = Record<string, { data: Record<string, unknown> } | { error: string }>;

export interface DiffRow {
  file: string;
  key: string;
  old: unknown;
  new: unknown;
  /** new − old, when both are numbers. */
  change?: number;
  /** (new − old) / |old|, when both are numbers and old is not 0. */
  relative?: number;
}

/** Metrics files declared by the stages and the top-level `metrics:` (all, or those of the target stages), sorted. */
export function metricsFiles(pipeline: Pipeline, targets: string[] = []): string[] {
  const names = targets.length ? targets.flatMap((t) => resolveTarget(pipeline, t)) : [...pipeline.stages.keys()];
  const files = new Set<string>(targets.length ? [] : pipeline.metrics);
  for (const n of names) for (const o of pipeline.stages.get(n)!.outs) if (o.kind === 'metric') files.add(o.path);
  return [...files].sort();
}

/** The pipeline at a revision, or the workspace one; a revision without cairn.yaml has no stages. */
export function pipelineAt(repo: Repo, rev?: string): Promise<Pipeline> {
  return loadPipeline(repo, rev === undefined ? {} : { rev });
}

const isScalar = (v: unknown) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null;

/**
 * Reads metrics files (JSON/YAML/TOML) at a revision or in the workspace, a folder as the metrics files inside it;
 * absent files are left out.
 */
export async function readMetrics(repo: Repo, files: string[], rev?: string): Promise<ValuesByFile> {
  const out: ValuesByFile = {};
  await Promise.all(
    (await expandMetricsFolders(repo, files, rev)).map(async (file) => {
      const text = await readTextAt(repo, file, rev);
      if (text === null) return;
      try {
        const flat = flattenKeys(parseStructured(text, file));
        out[file] = { data: Object.fromEntries(Object.entries(flat).filter(([, v]) => isScalar(v))) };
      } catch (err) {
        out[file] = { error: (err as Error).message.split('\n')[0] };
      }
    }),
  );
  return out;
}

/** Values of every param the pipeline's stages use, and of the top-level params files, per file, flattened. */
export async function readUsedParams(repo: Repo, pipeline: Pipeline, rev?: string, also?: Pipeline): Promise<ValuesByFile> {
  const wanted = new Map<string, Set<string> | null>();
  for (const p of also ? [pipeline, also] : [pipeline]) {
    for (const file of p.params) wanted.set(file, null);
    for (const stage of p.stages.values()) {
      for (const spec of stage.params) {
        const cur = wanted.get(spec.file);
        if (spec.keys === null || cur === null) wanted.set(spec.file, null);
        else wanted.set(spec.file, new Set([...(cur ?? []), ...spec.keys]));
      }
    }
  }
  const out: ValuesByFile = {};
  const cache = new Map<string, Promise<unknown>>();
  for (const [file, keys] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      const values = await readParams(repo, { file, keys: keys ? [...keys] : null }, rev, { cache, missing: 'skip' });
      // A whole-file or dict-valued param is compared leaf by leaf.
      const flat: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values)) Object.assign(flat, v && typeof v === 'object' && !Array.isArray(v) ? flattenKeys(v, k) : { [k]: v });
      if (Object.keys(flat).length || (await readTextAt(repo, file, rev)) !== null) out[file] = { data: flat };
    } catch (err) {
      out[file] = { error: (err as Error).message.split('\n')[0] };
    }
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Rows for every key on either side; only changed ones unless `all`. Pure. */
export function diffValues(before: ValuesByFile, after: ValuesByFile, options: { all?: boolean } = {}): DiffRow[] {
  const rows: DiffRow[] = [];
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const file of files) {
    const a = before[file] && 'data' in before[file] ? (before[file] as { data: Record<string, unknown> }).data : {};
    const b = after[file] && 'data' in after[file] ? (after[file] as { data: Record<string, unknown> }).data : {};
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const row: DiffRow = { file, key, old: key in a ? a[key] : null, new: key in b ? b[key] : null };
      if (!options.all && key in a && key in b && same(a[key], b[key])) continue;
      if (typeof row.old === 'number' && typeof row.new === 'number') {
        row.change = roundFloat(row.new - row.old);
        if (row.old !== 0) row.relative = (row.new - row.old) / Math.abs(row.old);
      }
      rows.push(row);
    }
  }
  return rows;
}

/** Removes float noise like 0.30000000000000004 from a difference. */
function roundFloat(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(12));
}

/** A value for a table cell: numbers as written, `—` for absent. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return String(Number.isInteger(v) ? v : Number(v.toPrecision(6)));
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `+0.02  (+2.2%)` for a numeric change, '' otherwise. */
export function formatChange(row: DiffRow): string {
  if (row.change === undefined) return '';
  if (row.change === 0) return '0';
  const sign = row.change > 0 ? '+' : row.change < 0 ? '−' : '±';
  const abs = `${sign}${formatValue(Math.abs(row.change))}`;
  if (row.relative === undefined) return abs;
  const pct = row.relative * 100;
  return `${abs}  (${pct >= 0 ? '+' : '−'}${Math.abs(pct) >= 10 ? Math.abs(pct).toFixed(0) : Math.abs(pct).toFixed(1)}%)`;
}

/** A text table with aligned columns (the last column is not padded). */
export function textTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string[] {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)];
}
