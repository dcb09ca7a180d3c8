import { CairnError } from '../../core/errors.js';
import type { Artifact, DatasetInput, Experiment, KeyValue, Metric, Run, RunInfo, RunStatus } from '../entities.js';
import type { CreateRunRequest, IngestCheckpoint, TrackingWrite } from '../trackingStore.js';

/**
 * How tracking entities travel as JSON, on both sides of cairn's native API and when reading MLflow's answers.
 * JSON has no NaN or ±Infinity: metric values that are not finite travel as the strings "NaN", "Infinity",
 * "-Infinity" (what MLflow's server writes too), and every reader also takes bare numbers and null (NaN).
 */

export type WireValue = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeValue(value: number): WireValue {
  // Anything but a number travels as it is, for the server to refuse as any store does.
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export function decodeValue(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (value === null || value === 'NaN' || value === 'nan') return NaN;
  if (value === 'Infinity' || value === 'inf') return Infinity;
  if (value === '-Infinity' || value === '-inf') return -Infinity;
  throw bad(`${where} is not a number: ${JSON.stringify(value)}`);
}

/** Writes as JSON: only metric values change form. */
export function encodeWrites(writes: TrackingWrite[]): unknown[] {
  return writes.map((w) => (w.op === 'logBatch' && w.metrics?.length ? { ...w, metrics: w.metrics.map((m) => ({ ...m, value: encodeValue(m.value) })) } : w));
}

/**
 * Writes sent to the server, checked for shape (the store then checks keys, values and limits as it does for any
 * caller); the first problem is a USAGE error naming where it is.
 */
export function decodeWrites(input: unknown): TrackingWrite[] {
  if (!Array.isArray(input)) throw bad('"writes" must be a list of writes');
  return input.map((raw, i) => {
    const where = `writes[${i}]`;
    const w = record(raw, where);
    switch (w.op) {
      case 'ensureRun': {
        const run = createRunRequest(w.run, `${where}.run`);
        if (run.run_id === undefined) throw bad(`${where}.run.run_id is missing`);
        return { op: 'ensureRun', run: run as CreateRunRequest & { run_id: string } };
      }
      case 'logBatch':
        return {
          op: 'logBatch',
          run_id: str(w.run_id, `${where}.run_id`),
          ...(w.metrics !== undefined ? { metrics: list(w.metrics, `${where}.metrics`).map((m, j) => metric(m, `${where}.metrics[${j}]`)) } : {}),
          ...(w.params !== undefined ? { params: keyValues(w.params, `${where}.params`) } : {}),
          ...(w.tags !== undefined ? { tags: keyValues(w.tags, `${where}.tags`) } : {}),
        };
      case 'logInputs':
        return { op: 'logInputs', run_id: str(w.run_id, `${where}.run_id`), datasets: list(w.datasets, `${where}.datasets`).map((d, j) => datasetInput(d, `${where}.datasets[${j}]`)) };
      case 'logArtifacts':
        return {
          op: 'logArtifacts',
          run_id: str(w.run_id, `${where}.run_id`),
          artifacts: list(w.artifacts, `${where}.artifacts`).map((a, j) => artifact(a, `${where}.artifacts[${j}]`)),
        };
      case 'deleteArtifacts':
        return { op: 'deleteArtifacts', run_id: str(w.run_id, `${where}.run_id`), paths: list(w.paths, `${where}.paths`).map((p, j) => str(p, `${where}.paths[${j}]`)) };
      case 'updateRun':
        return {
          op: 'updateRun',
          run_id: str(w.run_id, `${where}.run_id`),
          ...(w.status !== undefined ? { status: str(w.status, `${where}.status`) as RunStatus } : {}),
          ...(w.end_time !== undefined ? { end_time: w.end_time === null ? null : num(w.end_time, `${where}.end_time`) } : {}),
          ...(w.run_name !== undefined ? { run_name: str(w.run_name, `${where}.run_name`) } : {}),
        };
      default:
        throw bad(`${where}.op must be one of ensureRun, logBatch, logInputs, logArtifacts, deleteArtifacts, updateRun, not ${JSON.stringify(w.op)}`);
    }
  });
}

export function decodeCheckpoint(input: unknown): IngestCheckpoint | undefined {
  if (input === undefined || input === null) return undefined;
  const c = record(input, 'checkpoint');
  return {
    source: str(c.source, 'checkpoint.source'),
    run_id: typeof c.run_id === 'string' ? c.run_id : '',
    offset: num(c.offset, 'checkpoint.offset'),
    ...(c.expected_offset !== undefined && c.expected_offset !== null ? { expected_offset: num(c.expected_offset, 'checkpoint.expected_offset') } : {}),
  };
}

export function createRunRequest(input: unknown, where = 'the request'): CreateRunRequest {
  const r = record(input, where);
  const optional = <T>(key: string, read: (v: unknown, w: string) => T) => (r[key] === undefined || r[key] === null ? {} : { [key]: read(r[key], `${where}.${key}`) });
  return {
    experiment_id: str(r.experiment_id, `${where}.experiment_id`),
    ...optional('run_id', str),
    ...optional('run_name', str),
    ...optional('user_id', str),
    ...optional('start_time', num),
    ...optional('status', str),
    ...optional('tags', keyValues),
  } as CreateRunRequest;
}

/** An experiment as MLflow sends it (tags as a list of key/value) or as cairn keeps it (a record). */
export function decodeExperiment(input: unknown): Experiment {
  const e = record(input, 'experiment');
  return {
    experiment_id: String(e.experiment_id),
    name: String(e.name),
    artifact_location: String(e.artifact_location ?? ''),
    lifecycle_stage: e.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    creation_time: Number(e.creation_time ?? 0),
    last_update_time: Number(e.last_update_time ?? 0),
    tags: Array.isArray(e.tags) ? Object.fromEntries(keyValues(e.tags, 'experiment.tags').map((t) => [t.key, t.value])) : ((e.tags ?? {}) as Record<string, string>),
  };
}

export function decodeRunInfo(input: unknown): RunInfo {
  const i = record(input, 'run.info');
  return {
    run_id: String(i.run_id ?? i.run_uuid),
    run_name: String(i.run_name ?? ''),
    experiment_id: String(i.experiment_id),
    user_id: String(i.user_id ?? ''),
    status: String(i.status ?? 'RUNNING') as RunStatus,
    start_time: Number(i.start_time ?? 0),
    end_time: i.end_time === undefined || i.end_time === null ? null : Number(i.end_time),
    artifact_uri: String(i.artifact_uri ?? ''),
    lifecycle_stage: i.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
  };
}

/** A run as MLflow's runs/get and runs/search send it; absent lists are empty, as MLflow leaves them out. */
export function decodeRun(input: unknown): Run {
  const r = record(input, 'run');
  const data = (r.data ?? {}) as Record<string, unknown>;
  const inputs = (r.inputs ?? {}) as Record<string, unknown>;
  return {
    info: decodeRunInfo(r.info),
    data: {
      metrics: list(data.metrics ?? [], 'run.data.metrics').map((m, i) => metric(m, `run.data.metrics[${i}]`)),
      params: keyValues(data.params ?? [], 'run.data.params'),
      tags: keyValues(data.tags ?? [], 'run.data.tags'),
    },
    inputs: { dataset_inputs: list(inputs.dataset_inputs ?? [], 'run.inputs.dataset_inputs').map((d, i) => datasetInput(d, `run.inputs.dataset_inputs[${i}]`)) },
  };
}

export function decodeMetric(input: unknown, where = 'metric'): Metric {
  return metric(input, where);
}

export function decodeArtifact(input: unknown, where = 'artifact'): Artifact {
  return artifact(input, where);
}

function metric(input: unknown, where: string): Metric {
  const m = record(input, where);
  return { key: str(m.key, `${where}.key`), value: decodeValue(m.value, `${where}.value`), timestamp: num(m.timestamp ?? 0, `${where}.timestamp`), step: num(m.step ?? 0, `${where}.step`) };
}

function keyValues(input: unknown, where: string): KeyValue[] {
  return list(input, where).map((raw, i) => {
    const kv = record(raw, `${where}[${i}]`);
    return { key: str(kv.key, `${where}[${i}].key`), value: kv.value === undefined || kv.value === null ? '' : str(kv.value, `${where}[${i}].value`) };
  });
}

function datasetInput(input: unknown, where: string): DatasetInput {
  const d = record(input, where);
  const ds = record(d.dataset, `${where}.dataset`);
  const optional = (key: string) => (typeof ds[key] === 'string' ? { [key]: ds[key] as string } : {});
  return {
    dataset: {
      name: str(ds.name, `${where}.dataset.name`),
      digest: str(ds.digest, `${where}.dataset.digest`),
      source_type: typeof ds.source_type === 'string' ? ds.source_type : '',
      source: typeof ds.source === 'string' ? ds.source : '',
      ...optional('schema'),
      ...optional('profile'),
    },
    tags: keyValues(d.tags ?? [], `${where}.tags`),
  };
}

function artifact(input: unknown, where: string): Artifact {
  const a = record(input, where);
  return { path: str(a.path, `${where}.path`), oid: str(a.oid, `${where}.oid`), size: num(a.size, `${where}.size`) };
}

function record(input: unknown, where: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad(`${where} must be an object`);
  return input as Record<string, unknown>;
}

function list(input: unknown, where: string): unknown[] {
  if (!Array.isArray(input)) throw bad(`${where} must be a list`);
  return input;
}

function str(input: unknown, where: string): string {
  if (typeof input !== 'string') throw bad(`${where} must be a string, not ${JSON.stringify(input)}`);
  return input;
}

function num(input: unknown, where: string): number {
  const n = typeof input === 'string' && input.trim() !== '' ? Number(input) : input;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(`${where} must be a number, not ${JSON.stringify(input)}`);
  return n;
}

function bad(message: string): CairnError {
  return new CairnError('USAGE', message);
}
