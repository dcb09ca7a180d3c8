import { evaluateFilter, parseFilter, type FilterSubject } from '../tracking/filter/index.js';
import type { ExpRow } from './expTable.js';

/** Param values as the tracking store keeps them (MLflow's rule: params are strings). */
const asParam = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A row as the shared filter grammar sees a run: metrics and params by key (also `file:key`), its name and time. */
export function rowSubject(row: ExpRow): FilterSubject {
  const metrics: Record<string, number> = {};
  const params: Record<string, string> = {};
  for (const [file, values] of Object.entries(row.metrics)) {
    for (const [k, v] of Object.entries(values)) if (typeof v === 'number') metrics[k] = metrics[`${file}:${k}`] = v;
  }
  for (const [file, values] of Object.entries(row.params)) for (const [k, v] of Object.entries(values)) params[k] = params[`${file}:${k}`] = asParam(v);
  return {
    metrics, params, tags: {},
    attributes: { run_name: row.label, status: 'FINISHED', start_time: row.created ?? null },
  };
}

/** Keeps the experiments that match `filter` (parsed once; a parse error points at the column); baselines stay. */
export function filterRows(rows: ExpRow[], filter: string): ExpRow[] {
  const node = parseFilter(filter, 'runs');
  return rows.filter((r) => r.kind !== 'experiment' || evaluateFilter(node, rowSubject(r)));
}
