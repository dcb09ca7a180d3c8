import { CairnError } from '../core/errors.js';
import { LIMITS, RUN_STATUSES, SYSTEM_TAGS, type Artifact, type DatasetInput, type Metric, type RunStatus, type RunTag } from './entities.js';

/** Checks every backend applies to what it is asked to store (MLflow's rules), so bad input fails alike everywhere. */

const KEY = /^[A-Za-z0-9_\-. /]+$/;
const RUN_ID = /^[0-9a-f]{32}$/;

export function checkKey(key: unknown, what: 'metric' | 'param' | 'tag'): string {
  if (typeof key !== 'string' || key.length === 0) throw usage(`a ${what} key must be a non-empty string`);
  if (key.length > LIMITS.keyLength) throw usage(`${what} key "${key.slice(0, 40)}..." is longer than ${LIMITS.keyLength} characters`);
  if (!KEY.test(key)) {
    throw usage(`${what} key "${key}" has characters MLflow does not allow`, 'keys may hold letters, digits, _ - . space and /');
  }
  // MLflow's path_not_unique: the key must be its own normalised path (no empty, "." or ".." parts, no leading /).
  if (key.startsWith('..') || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw usage(`${what} key "${key}" must be a normalised path: no "//", "/./", "..", leading or trailing "/"`);
  }
  return key;
}

export function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
    throw usage(`"${String(runId)}" is not a run id`, 'run ids are 32 lowercase hex characters, as `cairn runs list` shows them');
  }
  return runId;
}

export function checkStatus(status: unknown): RunStatus {
  if (!RUN_STATUSES.includes(status as RunStatus)) throw usage(`run status "${String(status)}" is not one of ${RUN_STATUSES.join(', ')}`);
  return status as RunStatus;
}

export function checkTime(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw usage(`${what} must be a whole number of milliseconds, not ${String(value)}`);
  return value;
}

export function checkMetric(m: Metric): Metric {
  checkKey(m.key, 'metric');
  if (typeof m.value !== 'number') throw usage(`metric "${m.key}" has the value ${JSON.stringify(m.value)}, not a number`);
  checkTime(m.timestamp, `the timestamp of metric "${m.key}"`);
  if (!Number.isSafeInteger(m.step)) throw usage(`the step of metric "${m.key}" must be a whole number, not ${String(m.step)}`);
  return m;
}

export function checkParamValue(key: string, value: unknown): string {
  if (typeof value !== 'string') throw usage(`param "${key}" has a value that is not a string`);
  if (value.length > LIMITS.paramValueLength) throw usage(`the value of param "${key}" is longer than ${LIMITS.paramValueLength} characters`);
  return value;
}

export function checkTag(tag: RunTag): RunTag {
  checkKey(tag.key, 'tag');
  if (typeof tag.value !== 'string') throw usage(`tag "${tag.key}" has a value that is not a string`);
  if (tag.value.length > LIMITS.tagValueLength) throw usage(`the value of tag "${tag.key}" is longer than ${LIMITS.tagValueLength} characters`);
  return tag;
}

export function checkExperimentName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw usage('an experiment name must be a non-empty string');
  if (name.length > LIMITS.experimentNameLength) throw usage(`experiment name "${name.slice(0, 40)}..." is longer than ${LIMITS.experimentNameLength} characters`);
  return name;
}

/** An artifact path: relative, `/`-separated, never climbing out of the run's artifact root. */
export function checkArtifactPath(p: unknown): string {
  if (typeof p !== 'string' || p === '') throw usage('an artifact path must be a non-empty string');
  const parts = p.split('/');
  if (p.startsWith('/') || p.includes('\\') || /^[A-Za-z]:/.test(p) || parts.some((s) => s === '..' || s === '.' || s === '')) {
    throw usage(`artifact path "${p}" must be relative and stay inside the run's artifacts (no "..", ".", empty parts or leading /)`);
  }
  return p;
}

/** A sampled-history request: at least one step kept, and a range that is not upside down. */
export function checkSampleRequest(request: { max_results: unknown; start_step?: unknown; end_step?: unknown }): void {
  const max = request.max_results;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) throw usage(`max_results must be a whole number of at least 1, not ${String(max)}`);
  for (const key of ['start_step', 'end_step'] as const) {
    const v = request[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v))) throw usage(`${key} must be a whole number, not ${String(v)}`);
  }
  if (typeof request.start_step === 'number' && typeof request.end_step === 'number' && request.start_step > request.end_step) {
    throw usage(`start_step ${request.start_step} is after end_step ${request.end_step}`);
  }
}

/** MLflow's log-batch limits, for the API layer (the store itself accepts larger batches, as ingestion writes them). */
export function checkBatchLimits(batch: { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] }): void {
  const m = batch.metrics?.length ?? 0;
  const p = batch.params?.length ?? 0;
  const t = batch.tags?.length ?? 0;
  if (m > LIMITS.batchMetrics) throw usage(`a batch may hold at most ${LIMITS.batchMetrics} metrics, not ${m}`);
  if (p > LIMITS.batchParams) throw usage(`a batch may hold at most ${LIMITS.batchParams} params, not ${p}`);
  if (t > LIMITS.batchTags) throw usage(`a batch may hold at most ${LIMITS.batchTags} tags, not ${t}`);
  if (m + p + t > LIMITS.batchTotal) throw usage(`a batch may hold at most ${LIMITS.batchTotal} entries in all, not ${m + p + t}`);
}

function usage(message: string, hint?: string): CairnError {
  return new CairnError('USAGE', message, hint ? { hint } : {});
}

/** An artifact record: a safe path, an oid (64 hex) and a size. */
export function checkArtifact(a: Artifact): Artifact {
  if (!/^[0-9a-f]{64}$/.test(a?.oid) || !Number.isSafeInteger(a.size) || a.size < 0) throw usage(`artifact "${a?.path}" needs an oid (64 hex) and a size`);
  return { path: checkArtifactPath(a.path), oid: a.oid, size: a.size };
}

/** A dataset input as the stores keep it: one row of (name, digest, source_type, source, schema, profile, context, tags JSON). */
export function datasetInputRow({ dataset: d, tags }: DatasetInput): [string, string, string, string, string | null, string | null, string | null, string] {
  if (typeof d?.name !== 'string' || d.name === '' || typeof d.digest !== 'string' || d.digest === '') throw usage('a dataset input needs a non-empty name and digest');
  const inputTags = (tags ?? []).map(checkTag);
  const context = inputTags.find((t) => t.key === SYSTEM_TAGS.datasetContext)?.value ?? null;
  return [d.name, d.digest, d.source_type ?? '', d.source ?? '', d.schema ?? null, d.profile ?? null, context, JSON.stringify(inputTags)];
}
