/** The compare table's rows: every param and metric of the selected runs, or only those whose values differ. */
import type { Run } from '../api/types';

export interface CompareRow {
  kind: 'param' | 'metric';
  key: string;
  values: Array<string | number | undefined>;
  differs: boolean;
}

export function compareRows(runs: readonly Run[], onlyDifferences: boolean): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const kind of ['param', 'metric'] as const) {
    const keys = new Set<string>();
    for (const r of runs) for (const k of Object.keys(kind === 'param' ? r.params : r.metrics)) keys.add(k);
    for (const key of [...keys].sort()) {
      const values = runs.map((r) => (kind === 'param' ? r.params[key] : r.metrics[key]));
      const differs = new Set(values.map((v) => (v === undefined ? '\u0000' : String(v)))).size > 1;
      if (!onlyDifferences || differs) rows.push({ kind, key, values, differs });
    }
  }
  return rows;
}
