import { CairnError } from '../../../core/errors.js';
import type { DatasetInput, Experiment, KeyValue, Metric, Run, RunInfo, ViewType } from '../../../tracking/entities.js';
import type { RunModels } from '../../../tracking/loggedModels/loggedModel.js';
import { checkRunId } from '../../../tracking/validate.js';
import { invalid, missing, optionalString, requiredString } from '../input.js';
import type { RouteInput } from '../route.js';

/**
 * The MLflow wire format (protobuf JSON as MLflow's server writes it): int64 times as JSON numbers, doubles that JSON
 * cannot hold (NaN, ±Infinity) as the strings "NaN", "Infinity", "-Infinity", key/value maps as lists of {key, value}.
 */

/** A metric value as protobuf JSON writes a double. */
export function wireDouble(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** A double as protobuf JSON reads it: a number, or a string holding one (including "NaN" and "±Infinity"). */
export function readDouble(raw: unknown, field: string): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    if (raw === 'NaN') return NaN;
    if (raw === 'Infinity' || raw === 'inf') return Infinity;
    if (raw === '-Infinity' || raw === '-inf') return -Infinity;
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isNaN(n)) return n;
  }
  if (raw === undefined || raw === null) throw missing(field);
  throw invalid(field, raw, 'a number (or "NaN", "Infinity", "-Infinity")');
}

/** An int64 as protobuf JSON reads it: a number or a string of digits. */
export function readInt(raw: unknown, field: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) {
    if (raw === undefined || raw === null) throw missing(field);
    throw invalid(field, raw, 'a whole number');
  }
  return n;
}

export function wireMetric(m: Metric): { key: string; value: number | string; timestamp: number; step: number } {
  return { key: m.key, value: wireDouble(m.value), timestamp: m.timestamp, step: m.step };
}

/** One metric point of a request (log-metric's fields, or an item of log-batch's `metrics`), as MLflow checks it. */
export function readMetric(item: Record<string, unknown>, path = ''): Metric {
  const key = item.key;
  if (key === undefined || key === null || key === '') throw missing(`${path}key`);
  if (typeof key !== 'string') throw invalid(`${path}key`, key, 'a string');
  return {
    key,
    value: readDouble(item.value, `${path}value`),
    timestamp: readInt(item.timestamp, `${path}timestamp`),
    step: item.step === undefined || item.step === null ? 0 : readInt(item.step, `${path}step`),
  };
}

/** A key/value item (param or tag) of a request; a missing value is "" as protobuf reads it. */
export function readKeyValue(item: Record<string, unknown>, path = ''): KeyValue {
  const key = item.key;
  if (key === undefined || key === null || key === '') throw missing(`${path}key`);
  if (typeof key !== 'string') throw invalid(`${path}key`, key, 'a string');
  const value = item.value ?? '';
  if (typeof value !== 'string') {
    // MLflow's clients stringify params; a bare number or boolean from a hand-written client is taken as its text.
    if (typeof value === 'number' || typeof value === 'boolean') return { key, value: String(value) };
    throw invalid(`${path}value`, value, 'a string');
  }
  return { key, value };
}

export function wireExperiment(e: Experiment) {
  return {
    experiment_id: e.experiment_id,
    name: e.name,
    artifact_location: e.artifact_location,
    lifecycle_stage: e.lifecycle_stage,
    last_update_time: e.last_update_time,
    creation_time: e.creation_time,
    tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
  };
}

/** Run info with both `run_id` and MLflow 1's `run_uuid`; an unset end time is left out, as protobuf does. */
export function wireRunInfo(info: RunInfo) {
  return {
    run_id: info.run_id,
    run_uuid: info.run_id,
    run_name: info.run_name,
    experiment_id: info.experiment_id,
    user_id: info.user_id,
    status: info.status,
    start_time: info.start_time,
    ...(info.end_time === null ? {} : { end_time: info.end_time }),
    artifact_uri: info.artifact_uri,
    lifecycle_stage: info.lifecycle_stage,
  };
}

export function wireRun(run: Run, models?: RunModels) {
  const inputs: Record<string, unknown> = { dataset_inputs: run.inputs.dataset_inputs.map(wireDatasetInput) };
  if (models && models.inputs.length > 0) inputs.model_inputs = models.inputs;
  return {
    info: wireRunInfo(run.info),
    data: { metrics: run.data.metrics.map(wireMetric), params: run.data.params, tags: run.data.tags },
    inputs,
    ...(models && models.outputs.length > 0 ? { outputs: { model_outputs: models.outputs } } : {}),
  };
}

function wireDatasetInput(input: DatasetInput) {
  return { tags: input.tags, dataset: input.dataset };
}

/** The run a request names: `run_id`, or MLflow 1's `run_uuid` that older clients still send. */
export function requestRunId(input: RouteInput): string {
  const id = optionalString(input, 'run_id') || optionalString(input, 'run_uuid');
  if (!id) throw missing('run_id');
  try {
    return checkRunId(id);
  } catch (err) {
    // MLflow answers an id that cannot be a run's as it answers an unknown one (404); cairn's own code stays USAGE,
    // so cairn's HTTP client raises what the store itself would.
    const e = err as CairnError;
    throw new CairnError(e.code, e.message, { hint: e.hint, data: { run_id: id.slice(0, 80), mlflow_code: 'RESOURCE_DOES_NOT_EXIST' } });
  }
}

/**
 * Writes that may log params: a param logged again with another value is MLflow's INVALID_PARAMETER_VALUE (the
 * store's CONFLICT would otherwise read as RESOURCE_ALREADY_EXISTS).
 */
export async function paramRule<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (err instanceof CairnError && err.code === 'CONFLICT' && err.data && 'old_value' in err.data) {
      throw new CairnError('CONFLICT', err.message, { hint: err.hint, data: { ...err.data, mlflow_code: 'INVALID_PARAMETER_VALUE' } });
    }
    throw err;
  }
}

export function requestExperimentId(input: RouteInput): string {
  return requiredString(input, 'experiment_id');
}

/** A list of experiment ids: strings, as MLflow's clients send them, or whole numbers from hand-written ones. */
export function requestIdList(input: RouteInput, key: string): string[] {
  const value = input[key];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((id) => {
    if (typeof id === 'string') return id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
    throw invalid(key, value, 'a list of experiment ids');
  });
}

const VIEW_TYPES: Record<string, ViewType> = { ACTIVE_ONLY: 'ACTIVE_ONLY', DELETED_ONLY: 'DELETED_ONLY', ALL: 'ALL', '1': 'ACTIVE_ONLY', '2': 'DELETED_ONLY', '3': 'ALL' };

/** MLflow's ViewType, by name or by its protobuf number; ACTIVE_ONLY when absent. */
export function requestViewType(input: RouteInput, key: string): ViewType {
  const raw = optionalString(input, key);
  if (raw === undefined || raw === '') return 'ACTIVE_ONLY';
  const view = VIEW_TYPES[raw.toUpperCase()];
  if (!view) throw invalid(key, raw, 'ACTIVE_ONLY, DELETED_ONLY or ALL');
  return view;
}

/** `max_results` of a request, when given. */
export function requestMaxResults(input: RouteInput): number | undefined {
  const raw = input.max_results;
  if (raw === undefined || raw === null || raw === '') return undefined;
  return readInt(Array.isArray(raw) && raw.length === 1 ? raw[0] : raw, 'max_results');
}
