import type Database from 'better-sqlite3';
import type { DatasetInput, Experiment, Metric, Run, RunTag } from '../entities.js';
import { metricValue, rowToExperiment, rowToInfo, type ExperimentRow, type RunRow } from '../sql/runRows.js';

/**
 * Whole runs (info, params, tags, latest metrics, inputs) for rows already selected, with one query per table for
 * the whole page rather than per run.
 */
export function loadRuns(db: Database.Database, rows: RunRow[]): Run[] {
  if (rows.length === 0) return [];
  const runs = new Map<number, Run>();
  for (const row of rows) runs.set(row[0], { info: rowToInfo(row), data: { metrics: [], params: [], tags: [] }, inputs: { dataset_inputs: [] } });
  const ids = [...runs.keys()];
  // SQLite allows 32766 bound parameters; pages are at most 50,000 runs, so query in slices.
  for (let i = 0; i < ids.length; i += 10_000) {
    const slice = ids.slice(i, i + 10_000);
    const marks = slice.map(() => '?').join(',');
    const stmt = (sql: string) => db.prepare(sql.replace('(?)', `(${marks})`)).raw(true);
    for (const [run, key, value] of stmt('SELECT run, key, value FROM params WHERE run IN (?) ORDER BY key').all(...slice) as Array<[number, string, string]>) {
      runs.get(run)!.data.params.push({ key, value });
    }
    for (const [run, key, value] of stmt('SELECT run, key, value FROM tags WHERE run IN (?) ORDER BY key').all(...slice) as Array<[number, string, string]>) {
      runs.get(run)!.data.tags.push({ key, value });
    }
    const metricRows = stmt('SELECT run, key, value, is_nan, timestamp, step FROM latest_metrics WHERE run IN (?) ORDER BY key').all(...slice) as Array<
      [number, string, number | null, number, number, number]
    >;
    for (const [run, key, value, isNan, timestamp, step] of metricRows) {
      runs.get(run)!.data.metrics.push({ key, value: metricValue(value, isNan), timestamp, step } satisfies Metric);
    }
    const inputRows = stmt('SELECT run, name, digest, source_type, source, schema, profile, tags FROM inputs WHERE run IN (?) ORDER BY name, digest').all(...slice) as Array<
      [number, string, string, string, string, string | null, string | null, string]
    >;
    for (const [run, name, digest, source_type, source, schema, profile, tags] of inputRows) {
      const input: DatasetInput = {
        dataset: { name, digest, source_type, source, ...(schema === null ? {} : { schema }), ...(profile === null ? {} : { profile }) },
        tags: JSON.parse(tags) as RunTag[],
      };
      runs.get(run)!.inputs.dataset_inputs.push(input);
    }
  }
  return [...runs.values()];
}

/** Experiments with their tags, for rows already selected. */
export function loadExperiments(db: Database.Database, rows: ExperimentRow[]): Experiment[] {
  const out = new Map<number, Experiment>();
  for (const row of rows) out.set(row[0], rowToExperiment(row));
  if (out.size === 0) return [];
  const ids = [...out.keys()];
  const tagRows = db
    .prepare(`SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (${ids.map(() => '?').join(',')}) ORDER BY key`)
    .raw(true)
    .all(...ids) as Array<[number, string, string]>;
  for (const [id, key, value] of tagRows) out.get(id)!.tags[key] = value;
  return [...out.values()];
}
