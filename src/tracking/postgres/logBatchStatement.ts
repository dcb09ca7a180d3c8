import { SYSTEM_TAGS } from '../entities.js';
import type { PlannedBatch } from '../planBatch.js';

/** The SQLSTATE cairn_param_changed() raises (migration 2): a param logged again with another value. */
export const PARAM_CHANGED = 'CA001';

/**
 * One statement for a whole log-batch: params, tags, metric points and latest values, each a multi-row INSERT over
 * unnest'ed arrays, so logging 1000 points is one round trip, atomic on its own (no BEGIN/COMMIT needed). It returns
 * the run's key when the run is active, and no row (having written nothing) otherwise. A param whose stored value
 * differs fails the whole statement (PARAM_CHANGED): the ON CONFLICT clause sees the committed row, even one a
 * concurrent writer inserted a moment ago, so two writers cannot both "win".
 *
 * `duplicatePoints`: 'ignore' skips a point identical to a stored one (MLflow's primary key); 'fail' lets the
 * statement fail on one (23505), which is cheaper, for callers that retry with 'ignore' when it happens.
 */
export function logBatchStatement(runId: string, plan: PlannedBatch, duplicatePoints: 'ignore' | 'fail'): { sql: string; params: unknown[] } {
  const ctes = ["r AS (SELECT id FROM runs WHERE run_id = ? AND lifecycle_stage = 'active')"];
  const params: unknown[] = [runId];
  if (plan.params.length > 0) {
    ctes.push(`p AS (INSERT INTO params AS p (run, key, value) SELECT r.id, u.k, u.v FROM r, unnest(?::text[], ?::text[]) AS u (k, v)
      ON CONFLICT (run, key) DO UPDATE SET value = cairn_param_changed(p.key, p.value, excluded.value) WHERE p.value <> excluded.value)`);
    params.push(plan.params.map((p) => p.key), plan.params.map((p) => p.value));
  }
  if (plan.tags.length > 0) {
    ctes.push(`t AS (INSERT INTO tags (run, key, value) SELECT r.id, u.k, u.v FROM r, unnest(?::text[], ?::text[]) AS u (k, v)
      ON CONFLICT (run, key) DO UPDATE SET value = excluded.value)`);
    params.push(plan.tags.map((t) => t.key), plan.tags.map((t) => t.value));
    const name = plan.tags.find((t) => t.key === SYSTEM_TAGS.runName);
    if (name) {
      ctes.push('n AS (UPDATE runs SET run_name = ? FROM r WHERE runs.id = r.id)');
      params.push(name.value);
    }
  }
  if (plan.metrics.length > 0) {
    const nan = plan.metrics.map((m) => (Number.isNaN(m.value) ? 1 : 0));
    ctes.push(`m AS (INSERT INTO metrics (run, key, value, is_nan, timestamp, step)
      SELECT r.id, u.* FROM r, unnest(?::text[], ?::float8[], ?::smallint[], ?::bigint[], ?::bigint[]) AS u${duplicatePoints === 'ignore' ? ' ON CONFLICT DO NOTHING' : ''})`);
    params.push(plan.metrics.map((m) => m.key), plan.metrics.map((m, i) => (nan[i] ? 0 : m.value)), nan, plan.metrics.map((m) => m.timestamp), plan.metrics.map((m) => m.step));
    // MLflow's rule for the latest value: highest step, then timestamp, then value (NaN, stored as NULL, lowest).
    ctes.push(`l AS (INSERT INTO latest_metrics AS l (run, key, value, is_nan, timestamp, step)
      SELECT r.id, u.* FROM r, unnest(?::text[], ?::float8[], ?::smallint[], ?::bigint[], ?::bigint[]) AS u
      ON CONFLICT (run, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step
      WHERE (excluded.step, excluded.timestamp, coalesce(excluded.value, '-Infinity')) > (l.step, l.timestamp, coalesce(l.value, '-Infinity')))`);
    const latestNan = plan.latest.map((m) => Number.isNaN(m.value));
    params.push(
      plan.latest.map((m) => m.key),
      plan.latest.map((m, i) => (latestNan[i] ? null : m.value)),
      latestNan.map((n) => (n ? 1 : 0)),
      plan.latest.map((m) => m.timestamp),
      plan.latest.map((m) => m.step),
    );
  }
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT id FROM r`, params };
}
