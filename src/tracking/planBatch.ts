import { CairnError } from '../core/errors.js';
import type { Metric, Param, RunTag } from './entities.js';
import { checkKey, checkMetric, checkParamValue, checkTag } from './validate.js';

/** A log-batch checked and reduced to what a backend stores: each param and tag once, each key's newest point. */
export interface PlannedBatch {
  params: Param[];
  /** The last value of each key wins, as when the tags are set one after another. */
  tags: RunTag[];
  metrics: Metric[];
  /** For each metric key of the batch, its newest point (latest_metrics moves once per key, not once per point). */
  latest: Metric[];
}

/**
 * Checks a log-batch (MLflow's key and value rules) and plans its writes, the same for every SQL backend: a param
 * given twice with two values is refused here, one that differs from the stored value by the backend (paramConflict).
 */
export function planBatch(runId: string, batch: { metrics?: Metric[]; params?: Param[]; tags?: RunTag[] }): PlannedBatch {
  const params = new Map<string, string>();
  for (const p of batch.params ?? []) {
    checkKey(p.key, 'param');
    checkParamValue(p.key, p.value);
    const before = params.get(p.key);
    if (before !== undefined && before !== p.value) throw paramConflict(runId, p.key, before, p.value);
    params.set(p.key, p.value);
  }
  const tags = lastByKey((batch.tags ?? []).map(checkTag));
  const metrics = batch.metrics ?? [];
  const latest = new Map<string, Metric>();
  for (const m of metrics) {
    const best = latest.get(m.key);
    // The key was checked when the map got its first point of that key.
    if (best) checkPoint(m);
    else checkMetric(m);
    if (!best || newer(m, best)) latest.set(m.key, m);
  }
  return {
    params: [...params].map(([key, value]) => ({ key, value })),
    tags,
    metrics,
    latest: [...latest.values()],
  };
}

/** Each key once, with its last value, as when the entries are written one after another. */
export function lastByKey<T extends { key: string }>(entries: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const e of entries) {
    byKey.delete(e.key);
    byKey.set(e.key, e);
  }
  return [...byKey.values()];
}

/** A param logged again with another value: params are immutable (MLflow's rule). */
export function paramConflict(runId: string, key: string, old: string, value: string): CairnError {
  return new CairnError('CONFLICT', `param "${key}" of run ${runId} was logged as ${JSON.stringify(old)}; it cannot change to ${JSON.stringify(value)}`, {
    hint: 'params are immutable once logged: log the new value under another key, or start a new run',
    data: { key, old_value: old, new_value: value, run_id: runId },
  });
}

/** checkMetric without the key: the value, timestamp and step of one point. */
function checkPoint(m: Metric): void {
  if (typeof m.value !== 'number' || !Number.isSafeInteger(m.timestamp) || m.timestamp < 0 || !Number.isSafeInteger(m.step)) checkMetric(m);
}

/** MLflow's rule for the latest value: highest step, then timestamp, then value (NaN lowest). */
function newer(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  const x = Number.isNaN(a.value) ? -Infinity : a.value;
  const y = Number.isNaN(b.value) ? -Infinity : b.value;
  return x > y;
}
