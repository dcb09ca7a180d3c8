import type Database from 'better-sqlite3';
import type { DatasetInput, Experiment, Metric, Run, RunInfo, RunTag } from '../entities.js';

/** The columns of `runs r` that make a RunInfo, in the order rowToInfo reads them. */
export const RUN_INFO_COLUMNS = 'r.id, r.run_id, r.run_name, CAST(r.experiment_id AS TEXT), r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage';

export type RunRow = [number, string, string, string, string, RunInfo['status'], number, number | null, string, RunInfo['lifecycle_stage']];

export function rowToInfo(r: RunRow): RunInfo {
  return {
    run_id: r[1],
    run_name: r[2],
    experiment_id: r[3],
    user_id: r[4],
    status: r[5],
    start_time: r[6],
    end_time: r[7],
    artifact_uri: r[8],
    lifecycle_stage: r[9],
  };
}

/** NaN is stored as NULL with is_nan = 1 (SQLite has no NaN). */
export function metricValue(value: number | null, isNan: number): number {
  return isNan ? NaN : (value as number);
}

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

export const EXPERIMENT_COLUMNS = 'e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time';

export type ExperimentRow = [number, string, string, Experiment['lifecycle_stage'], number, number];

/** Experiments with their tags, for rows already selected. */
export function loadExperiments(db: Database.Database, rows: ExperimentRow[]): Experiment[] {
  const out = new Map<number, Experiment>();
  for (const [id, name, artifact_location, lifecycle_stage, creation_time, last_update_time] of rows) {
    out.set(id, { experiment_id: String(id), name, artifact_location, lifecycle_stage, creation_time, last_update_time, tags: {} });
  }
  if (out.size === 0) return [];
  const ids = [...out.keys()];
  const tagRows = db
    .prepare(`SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (${ids.map(() => '?').join(',')}) ORDER BY key`)
    .raw(true)
    .all(...ids) as Array<[number, string, string]>;
  for (const [id, key, value] of tagRows) out.get(id)!.tags[key] = value;
  return [...out.values()];
}
