import { CairnError } from '../../core/errors.js';
import { RUN_STATUSES, type KeyValue, type RunStatus } from '../entities.js';
import { checkKey, checkParamValue, checkRunId, checkTag } from '../validate.js';

/** One line of an events file, checked (docs/formats.md "Events file"; /work/notes/events-protocol.md). */
export type EventLine =
  | { kind: 'run'; run_id: string; name?: string; experiment?: string; parent?: string; start_time: number; tags: KeyValue[] }
  | { kind: 'metrics'; run_id?: string; points: Array<{ key: string; value: number }>; step: number; timestamp?: number }
  | { kind: 'params'; run_id?: string; params: KeyValue[] }
  | { kind: 'tags'; run_id?: string; tags: KeyValue[] }
  | { kind: 'artifact'; run_id?: string; source: string; path?: string }
  | { kind: 'dataset'; run_id?: string; dataset: { name: string; digest: string; source?: string; source_type?: string; context?: string } }
  | { kind: 'end'; run_id?: string; status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>; end_time: number };

const KINDS = ['run', 'metric', 'metrics', 'param', 'params', 'tag', 'tags', 'artifact', 'dataset', 'end'] as const;
const END_STATUSES: RunStatus[] = RUN_STATUSES.filter((s) => s !== 'RUNNING' && s !== 'SCHEDULED');

/**
 * Parses one line (without its `\n`). Pure; throws a USAGE CairnError saying what is wrong, which the ingester
 * prefixes with the file and line number. Bare NaN/Infinity (Python's json.dumps writes them) are accepted too.
 */
export function parseEventLine(line: string, knownKeys?: Set<string>): EventLine {
  const obj = parseJson(line);
  let kind: (typeof KINDS)[number] | undefined;
  for (const k of KINDS) {
    if (!(k in obj)) continue;
    if (kind) throw bad(`a line has exactly one kind key; this one has "${kind}" and "${k}"`);
    kind = k;
  }
  if (!kind) throw bad(`no kind key (one of ${KINDS.join(', ')}) in ${truncate(line)}`);
  const run_id = obj.run_id === undefined ? undefined : checkRunId(obj.run_id);
  const rid = run_id === undefined ? {} : { run_id };
  switch (kind) {
    case 'run':
      return parseRun(obj.run);
    case 'metric':
      return { kind: 'metrics', ...rid, points: [{ key: key(obj.metric, 'metric', knownKeys), value: metricValue(obj.value, String(obj.metric)) }], ...stepAndTime(obj) };
    case 'metrics':
      return { kind: 'metrics', ...rid, points: entries(obj.metrics, 'metrics').map(([k, v]) => ({ key: key(k, 'metric', knownKeys), value: metricValue(v, k) })), ...stepAndTime(obj) };
    case 'param':
      return { kind: 'params', ...rid, params: [param(obj.param, obj.value)] };
    case 'params':
      return { kind: 'params', ...rid, params: entries(obj.params, 'params').map(([k, v]) => param(k, v)) };
    case 'tag':
      return { kind: 'tags', ...rid, tags: [tag(obj.tag, obj.value)] };
    case 'tags':
      return { kind: 'tags', ...rid, tags: entries(obj.tags, 'tags').map(([k, v]) => tag(k, v)) };
    case 'artifact':
      if (typeof obj.artifact !== 'string' || obj.artifact === '') throw bad('"artifact" must be the path of a file or folder');
      if (obj.path !== undefined && typeof obj.path !== 'string') throw bad('"path" of an artifact must be a string (a folder inside the run\'s artifacts)');
      return { kind: 'artifact', ...rid, source: obj.artifact, ...(obj.path ? { path: obj.path as string } : {}) };
    case 'dataset':
      return { kind: 'dataset', ...rid, dataset: parseDataset(obj.dataset) };
    case 'end': {
      const end = object(obj.end, 'end');
      if (!END_STATUSES.includes(end.status as RunStatus)) throw bad(`"end.status" must be one of ${END_STATUSES.join(', ')}, not ${JSON.stringify(end.status)}`);
      return { kind: 'end', ...rid, status: end.status as 'FINISHED', end_time: time(end.end_time, 'end.end_time') };
    }
  }
}

function parseRun(value: unknown): EventLine {
  const run = object(value, 'run');
  const out: Extract<EventLine, { kind: 'run' }> = { kind: 'run', run_id: checkRunId(run.id), start_time: time(run.start_time, 'run.start_time'), tags: [] };
  if (run.name !== undefined) out.name = str(run.name, 'run.name');
  if (run.experiment !== undefined) out.experiment = str(run.experiment, 'run.experiment');
  if (run.parent !== undefined) out.parent = checkRunId(run.parent);
  if (run.tags !== undefined) out.tags = entries(run.tags, 'run.tags').map(([k, v]) => tag(k, v));
  return out;
}

function parseDataset(value: unknown): Extract<EventLine, { kind: 'dataset' }>['dataset'] {
  const d = object(value, 'dataset');
  const out: Extract<EventLine, { kind: 'dataset' }>['dataset'] = { name: str(d.name, 'dataset.name'), digest: str(d.digest, 'dataset.digest') };
  for (const field of ['source', 'source_type', 'context'] as const) if (d[field] !== undefined) out[field] = str(d[field], `dataset.${field}`);
  return out;
}

function parseJson(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    const lenient = line.replace(/:\s*(NaN|-?Infinity)\s*(?=[,}])/g, ':"$1"');
    try {
      value = lenient === line ? undefined : JSON.parse(lenient);
    } catch {
      value = undefined;
    }
    if (value === undefined) throw bad(`not valid JSON: ${truncate(line)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(`a line must be a JSON object, not ${truncate(line)}`);
  return value as Record<string, unknown>;
}

function stepAndTime(obj: Record<string, unknown>): { step: number; timestamp?: number } {
  const step = obj.step ?? 0;
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) throw bad(`"step" must be a whole number, not ${JSON.stringify(obj.step)}`);
  return obj.timestamp === undefined ? { step } : { step, timestamp: time(obj.timestamp, 'timestamp') };
}

function metricValue(v: unknown, k: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw bad(`metric "${k}" needs a number (or "NaN", "Infinity", "-Infinity") as its value, not ${JSON.stringify(v)}`);
}

function key(k: unknown, what: 'metric', known?: Set<string>): string {
  if (known?.has(k as string)) return k as string;
  checkKey(k, what);
  known?.add(k as string);
  return k as string;
}

/** Params are stored as strings (MLflow): numbers and booleans become their JSON text (0.1 → "0.1", true → "true"). */
function param(k: unknown, v: unknown): KeyValue {
  checkKey(k, 'param');
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw bad(`param "${String(k)}" needs a string, number or boolean value, not ${JSON.stringify(v)}`);
  return { key: k as string, value: checkParamValue(k as string, String(v)) };
}

function tag(k: unknown, v: unknown): KeyValue {
  if (typeof v !== 'string') throw bad(`tag "${String(k)}" needs a string value, not ${JSON.stringify(v)}`);
  return checkTag({ key: k as string, value: v });
}

function entries(v: unknown, what: string): Array<[string, unknown]> {
  const o = object(v, what);
  const list = Object.entries(o);
  if (list.length === 0) throw bad(`"${what}" is empty`);
  return list;
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`"${what}" must be a JSON object`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw bad(`"${what}" must be a non-empty string`);
  return v;
}

function time(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(`"${what}" must be a time in milliseconds since the epoch, not ${JSON.stringify(v)}`);
  return v;
}

function truncate(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function bad(message: string): CairnError {
  return new CairnError('USAGE', message);
}
