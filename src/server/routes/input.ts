import { CairnError } from '../../core/errors.js';
import type { RouteInput } from './route.js';

/**
 * Reading MLflow request fields. GET calls carry them in the query string (so numbers arrive as text and a repeated
 * key as a list), other calls in a JSON body; these accept both, and name the field in every error, as MLflow does.
 */

export function requiredString(input: RouteInput, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined || value === '') throw missing(key);
  return value;
}

export function optionalString(input: RouteInput, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(key, value, 'a string');
}

export function optionalInt(input: RouteInput, key: string): number | undefined {
  const raw = optionalString(input, key);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw invalid(key, input[key], 'a whole number');
  return n;
}

export function requiredInt(input: RouteInput, key: string): number {
  const n = optionalInt(input, key);
  if (n === undefined) throw missing(key);
  return n;
}

export function optionalBool(input: RouteInput, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw invalid(key, value, 'true or false');
}

/** A list of strings: a JSON array, a repeated query key, or one value. */
export function stringList(input: RouteInput, key: string): string[] {
  const value = input[key];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) if (typeof item !== 'string') throw invalid(key, value, 'a list of strings');
  return list as string[];
}

/** A list of objects from a JSON body (`metrics`, `tags`...); each item is checked by the caller. */
export function objectList(input: RouteInput, key: string): Record<string, unknown>[] {
  const value = input[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) {
    throw invalid(key, value, 'a list of objects');
  }
  return value as Record<string, unknown>[];
}

export function missing(key: string): CairnError {
  return new CairnError('USAGE', `Missing value for required parameter '${key}'. See the API docs for more information about request parameters.`, {
    data: { field: key },
  });
}

export function invalid(key: string, value: unknown, expected: string): CairnError {
  const shown = JSON.stringify(value) ?? String(value);
  return new CairnError('USAGE', `Invalid value ${shown.length > 80 ? `${shown.slice(0, 80)}...` : shown} for parameter '${key}' supplied: expected ${expected}`, {
    data: { field: key },
  });
}
