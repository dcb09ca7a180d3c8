/** Checks keys and values and builds the lines of an events file (docs/formats.md, "Events file"). */
import path from 'node:path';
import { CairnError } from '../core/errors.js';

export const MAX_KEY_LENGTH = 250;
export const MAX_PARAM_VALUE_LENGTH = 6000;
export const MAX_TAG_VALUE_LENGTH = 8000;
export const RUN_STATUSES = ['FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type ParamValue = string | number | boolean | null | undefined | object;

const KEY_CHARS = /^[A-Za-z0-9_\-. /]+$/;
const RUN_ID = /^[0-9a-f]{32}$/;
// Keys already checked, so the hot path of logMetric is one Set lookup; bounded, as a loop may invent keys forever.
const checkedKeys = new Set<string>();
const MAX_CHECKED_KEYS = 10_000;

/** Throws unless `key` is a valid metric, param or tag name (MLflow's rules, the same as the Python client's). */
export function checkKey(key: unknown, kind: 'metric' | 'param' | 'tag'): string {
  if (typeof key === 'string' && checkedKeys.has(key)) return key;
  const bad = (why: string) => new CairnError('INVALID', `invalid ${kind} key ${JSON.stringify(key)}: ${why}`, {
    hint: 'keys are 1-250 characters of ASCII letters, digits, _ - . space and /, and must not look like ../ or /abs paths',
  });
  if (typeof key !== 'string') throw bad(`keys are strings, not ${typeof key}`);
  if (key.length === 0) throw bad('it is empty');
  if (key.length > MAX_KEY_LENGTH) throw bad(`it is ${key.length} characters long; the limit is ${MAX_KEY_LENGTH}`);
  if (!KEY_CHARS.test(key)) throw bad('only ASCII letters, digits, underscores, dashes, periods, spaces and slashes are allowed');
  const norm = path.posix.normalize(key);
  if (norm !== key || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw bad(`keys are also used as file paths and must not resolve to another name (this one resolves to ${JSON.stringify(norm)})`);
  }
  if (checkedKeys.size < MAX_CHECKED_KEYS) checkedKeys.add(key);
  return key;
}

export function checkRunId(runId: string, where: string): string {
  if (!RUN_ID.test(runId)) {
    throw new CairnError('INVALID', `${where} must be a run id of 32 lowercase hex characters, got ${JSON.stringify(runId)}`);
  }
  return runId;
}

/** The JSON text of a metric value: the number, or the spec's strings for NaN and the infinities. */
export function metricValue(key: string, value: unknown): string {
  const v = typeof value === 'number' ? value : typeof value === 'bigint' || typeof value === 'boolean' ? Number(value) : undefined;
  if (v === undefined) throw new CairnError('INVALID', `metric ${JSON.stringify(key)}: value ${JSON.stringify(value) ?? String(value)} is not a number`);
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return '"NaN"';
  return v > 0 ? '"Infinity"' : '"-Infinity"';
}

export function checkInteger(value: unknown, what: 'step' | 'timestamp'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new CairnError('INVALID', `${what} must be an integer${what === 'timestamp' ? ' (milliseconds since the epoch)' : ''}, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

function limitedText(kind: 'param' | 'tag', key: string, text: string, limit: number): string {
  if (text.length > limit) throw new CairnError('INVALID', `${kind} ${JSON.stringify(key)}: value is ${text.length} characters long; the limit is ${limit}`);
  return text;
}

/** Params are stored as strings: String(value) as MLflow's JavaScript clients send them, JSON for objects. */
export function paramText(key: string, value: ParamValue): string {
  const text = typeof value === 'string' ? value : value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
  return limitedText('param', key, text, MAX_PARAM_VALUE_LENGTH);
}

export function tagText(key: string, value: unknown): string {
  return limitedText('tag', key, typeof value === 'string' ? value : String(value), MAX_TAG_VALUE_LENGTH);
}

export function checkTags(tags: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) out[checkKey(k, 'tag')] = tagText(k, v);
  return out;
}

/** Any line but a metric one; `runField` names the run on lines of a nested run. */
export function jsonLine(obj: Record<string, unknown>, runField = ''): string {
  const text = JSON.stringify(obj);
  return `${text.slice(0, -1)}${runField}}\n`;
}

export function runField(runId: string): string {
  return `,"run_id":"${runId}"`;
}
