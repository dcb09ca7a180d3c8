import type { SqlClient } from '../../core/sql/sqlClient.js';

/** An experiment's run counts and last activity, for the UI's experiments list. */
export interface ExperimentSummary {
  experiment_id: string;
  /** Active runs (not deleted). */
  runs: number;
  /** Active runs still RUNNING. */
  running: number;
  deleted_runs: number;
  /** The latest start or end time of its active runs, ms; null without runs. */
  last_activity: number | null;
}

/** The distinct keys the runs of some experiments have, for column pickers and key autocompletion. */
export interface RunKeys {
  params: string[];
  metrics: string[];
  tags: string[];
}

/**
 * One aggregate over the runs table (the same schema on SQLite and PostgreSQL): counting in the database instead of
 * paging every run through a search keeps the experiments list fast with 100,000 runs.
 */
export async function experimentSummaries(sql: SqlClient): Promise<ExperimentSummary[]> {
  const rows = await sql.all<{ experiment_id: number | string; runs: number | string; running: number | string; deleted_runs: number | string; last_activity: number | string | null }>(
    `SELECT experiment_id,
            SUM(CASE WHEN lifecycle_stage = 'active' THEN 1 ELSE 0 END) AS runs,
            SUM(CASE WHEN lifecycle_stage = 'active' AND status = 'RUNNING' THEN 1 ELSE 0 END) AS running,
            SUM(CASE WHEN lifecycle_stage = 'deleted' THEN 1 ELSE 0 END) AS deleted_runs,
            MAX(CASE WHEN lifecycle_stage = 'active' THEN COALESCE(end_time, start_time) END) AS last_activity
       FROM runs GROUP BY experiment_id ORDER BY experiment_id`,
  );
  // PostgreSQL's SUM over BIGINT is NUMERIC, which its driver returns as text.
  return rows.map((r) => ({
    experiment_id: String(r.experiment_id),
    runs: Number(r.runs),
    running: Number(r.running),
    deleted_runs: Number(r.deleted_runs),
    last_activity: r.last_activity === null ? null : Number(r.last_activity),
  }));
}

/** The sorted distinct param, latest-metric and tag keys of the runs (active and deleted) of these experiments. */
export async function runKeys(sql: SqlClient, experimentIds: string[]): Promise<RunKeys> {
  const ids = experimentIds.filter((id) => /^\d+$/.test(id)).map(Number);
  if (ids.length === 0) return { params: [], metrics: [], tags: [] };
  const inList = ids.map(() => '?').join(', ');
  const keysOf = async (table: string) =>
    (await sql.all<{ key: string }>(`SELECT DISTINCT t.key AS key FROM ${table} t JOIN runs r ON r.id = t.run WHERE r.experiment_id IN (${inList}) ORDER BY 1`, ids)).map((r) => r.key);
  const [params, metrics, tags] = [await keysOf('params'), await keysOf('latest_metrics'), await keysOf('tags')];
  return { params: byCodePoint(params), metrics: byCodePoint(metrics), tags: byCodePoint(tags) };
}

/** Both databases sorted already; sorting again by code point makes their collations agree. */
function byCodePoint(keys: string[]): string[] {
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
