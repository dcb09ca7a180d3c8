import { pgRows, type PgQueryable } from '../../core/sql/pgQuery.js';
import type { Experiment } from '../entities.js';
import { rowToExperiment, type ExperimentRow } from '../sql/runRows.js';

/** Experiments with their tags, for rows already selected. */
export async function loadExperiments(db: PgQueryable, rows: ExperimentRow[]): Promise<Experiment[]> {
  const out = new Map<number, Experiment>();
  for (const row of rows) out.set(row[0], rowToExperiment(row));
  if (out.size === 0) return [];
  const tags = await pgRows<[number, string, string]>(db, 'SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id = ANY(?::bigint[]) ORDER BY key', [[...out.keys()]]);
  for (const [id, key, value] of tags) out.get(id)!.tags[key] = value;
  return [...out.values()];
}
