import { LIMITS, type Param } from '../tracking/entities.js';

/**
 * Params and metrics of a run from what the pipeline knows, by file then dotted key, as MLflow wants them: params as
 * strings, metrics as numbers, and a key that two files both have is prefixed with its file (`eval/metrics.json/acc`)
 * so neither hides the other. Pure.
 */
export function runValues(input: {
  params: Record<string, Record<string, unknown>>;
  metrics: Record<string, { data: Record<string, unknown> } | { error: string }>;
}): { params: Param[]; metrics: Array<{ key: string; value: number; step: number }> } {
  const params = merge(input.params).map(([key, v]) => ({ key, value: (typeof v === 'string' ? v : JSON.stringify(v) ?? 'null').slice(0, LIMITS.paramValueLength) }));
  const numeric: Record<string, Record<string, unknown>> = {};
  for (const [file, v] of Object.entries(input.metrics)) if ('data' in v) numeric[file] = v.data;
  const metrics = merge(numeric).flatMap(([key, v]) => {
    const value = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null;
    return value === null ? [] : [{ key, value, step: 0 }];
  });
  return { params, metrics };
}

function merge(byFile: Record<string, Record<string, unknown>>): Array<[string, unknown]> {
  const owners = new Map<string, number>();
  for (const values of Object.values(byFile)) for (const k of Object.keys(values)) owners.set(k, (owners.get(k) ?? 0) + 1);
  const out: Array<[string, unknown]> = [];
  for (const [file, values] of Object.entries(byFile).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [k, v] of Object.entries(values)) out.push([safeKey(owners.get(k)! > 1 ? `${file}/${k}` : k), v]);
  }
  return out;
}

/** A key MLflow accepts: its characters (letters, digits, _ - . space /), no empty path parts, at most 250 long. */
export function safeKey(key: string): string {
  const cleaned = key.replace(/[^A-Za-z0-9_\-. /]/g, '_').split('/').filter((p) => p !== '' && p !== '.' && p !== '..').join('/');
  return (cleaned || '_').slice(0, LIMITS.keyLength);
}
