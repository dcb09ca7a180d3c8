import { pgRows, type PgQueryable } from '../../core/sql/pgQuery.js';
import type { Experiment, Run, RunTag } from '../entities.js';
import { metricValue, rowToExperiment, rowToInfo, type ExperimentRow, type RunRow } from '../sql/runRows.js';

type Strings = string[] | null;
type HydrationRow = [number, Strings, Strings, Strings, Strings, Strings, Array<number | null> | null, number[] | null, number[] | null, number[] | null, unknown[][] | null];

/**
 * Whole runs (info, params, tags, latest metrics, inputs) for rows already selected, in one query for the whole page:
 * each run's entries come back as arrays, ordered by key as in SQLite.
 */
export async function loadRuns(db: PgQueryable, rows: RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const runs = new Map<number, Run>();
  for (const row of rows) runs.set(row[0], { info: rowToInfo(row), data: { metrics: [], params: [], tags: [] }, inputs: { dataset_inputs: [] } });
  const hydrated = await pgRows<HydrationRow>(
    db,
    `SELECT u.id, p.keys, p.vals, t.keys, t.vals, m.keys, m.vals, m.nans, m.ts, m.steps, i.inputs
    FROM unnest(?::bigint[]) AS u (id)
    LEFT JOIN LATERAL (SELECT array_agg(key ORDER BY key) AS keys, array_agg(value ORDER BY key) AS vals FROM params WHERE run = u.id) p ON TRUE
    LEFT JOIN LATERAL (SELECT array_agg(key ORDER BY key) AS keys, array_agg(value ORDER BY key) AS vals FROM tags WHERE run = u.id) t ON TRUE
    LEFT JOIN LATERAL (
      SELECT array_agg(key ORDER BY key) AS keys, array_agg(value ORDER BY key) AS vals, array_agg(is_nan ORDER BY key) AS nans,
        array_agg(timestamp ORDER BY key) AS ts, array_agg(step ORDER BY key) AS steps
      FROM latest_metrics WHERE run = u.id
    ) m ON TRUE
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_array(name, digest, source_type, source, schema, profile, tags) ORDER BY name, digest) AS inputs FROM inputs WHERE run = u.id
    ) i ON TRUE`,
    [[...runs.keys()]],
  );
  for (const [id, paramKeys, paramValues, tagKeys, tagValues, metricKeys, values, nans, timestamps, steps, inputs] of hydrated) {
    const run = runs.get(id)!;
    run.data.params = (paramKeys ?? []).map((key, i) => ({ key, value: paramValues![i] }));
    run.data.tags = (tagKeys ?? []).map((key, i) => ({ key, value: tagValues![i] }));
    run.data.metrics = (metricKeys ?? []).map((key, i) => ({ key, value: metricValue(values![i], nans![i]), timestamp: timestamps![i], step: steps![i] }));
    run.inputs.dataset_inputs = (inputs ?? []).map(([name, digest, source_type, source, schema, profile, tags]) => ({
      dataset: {
        name: name as string,
        digest: digest as string,
        source_type: source_type as string,
        source: source as string,
        ...(schema === null ? {} : { schema: schema as string }),
        ...(profile === null ? {} : { profile: profile as string }),
      },
      tags: JSON.parse(tags as string) as RunTag[],
    }));
  }
  return [...runs.values()];
}

/** Experiments with their tags, for rows already selected. */
export async function loadExperiments(db: PgQueryable, rows: ExperimentRow[]): Promise<Experiment[]> {
  const out = new Map<number, Experiment>();
  for (const row of rows) out.set(row[0], rowToExperiment(row));
  if (out.size === 0) return [];
  const tags = await pgRows<[number, string, string]>(db, 'SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id = ANY(?::bigint[]) ORDER BY key', [[...out.keys()]]);
  for (const [id, key, value] of tags) out.get(id)!.tags[key] = value;
  return [...out.values()];
}
