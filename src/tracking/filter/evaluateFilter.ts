import type { Comparison, FilterNode, OrderBy } from './filterAst.js';

/** What a filter is tested against: a run (or an experiment, with only tags and attributes) flattened to maps. */
export interface FilterSubject {
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  attributes: Record<string, string | number | null>;
  datasets?: Array<{ name: string; digest: string; context?: string }>;
}

/**
 * Whether `subject` matches `node` — the same semantics as the SQL the stores compile the filter to:
 * a missing key fails every comparison except the negative ones (`!=`, `NOT IN`, which are the negation of `=` and
 * `IN`) and `IS NULL`; NaN equals and orders with nothing; LIKE is case-sensitive, ILIKE is not.
 */
export function evaluateFilter(node: FilterNode | null, subject: FilterSubject): boolean {
  if (node === null) return true;
  if (node.type !== 'compare') {
    return node.type === 'and' ? node.items.every((n) => evaluateFilter(n, subject)) : node.items.some((n) => evaluateFilter(n, subject));
  }
  if (node.entity === 'dataset') {
    const field = node.key as 'name' | 'digest' | 'context';
    const values = (subject.datasets ?? []).map((d) => d[field] ?? null);
    if (node.op === 'IS NULL') return !values.some((v) => v !== null);
    if (node.op === '!=' || node.op === 'NOT IN') return !values.some((v) => compare({ ...node, op: node.op === '!=' ? '=' : 'IN' }, v));
    return values.some((v) => compare(node, v));
  }
  return compare(node, lookup(node, subject));
}

function lookup(node: Comparison, subject: FilterSubject): string | number | null {
  const table =
    node.entity === 'metric' ? subject.metrics : node.entity === 'param' ? subject.params : node.entity === 'tag' ? subject.tags : subject.attributes;
  const value = table?.[node.key];
  return value === undefined ? null : value;
}

function compare(node: Comparison, actual: string | number | null): boolean {
  switch (node.op) {
    case 'IS NULL':
      return actual === null;
    case 'IS NOT NULL':
      return actual !== null;
    case '!=':
      return !compare({ ...node, op: '=' }, actual);
    case 'NOT IN':
      return !compare({ ...node, op: 'IN' }, actual);
    default:
      break;
  }
  if (actual === null) return false;
  const expected = node.value as string | number;
  switch (node.op) {
    case '=':
      return actual === expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case 'IN':
      return (node.value as Array<string | number>).includes(actual);
    case 'LIKE':
      return likeToRegExp(String(expected), false).test(String(actual));
    case 'ILIKE':
      return likeToRegExp(String(expected), true).test(String(actual));
  }
}

/** SQL LIKE as a regular expression: `%` is any run of characters, `_` one character, everything else literal. */
export function likeToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

/**
 * Orders subjects as the stores do: by each clause, values missing (or NaN) last whatever the direction, then the
 * tie-breakers the caller passes last (start_time DESC and run_id, for runs).
 */
export function compareSubjects(orderBy: OrderBy[]): (a: FilterSubject, b: FilterSubject) => number {
  // The lookups are built once, not per comparison: the web UI sorts 10,000 runs with this in under a frame or two.
  const clauses = orderBy.map((clause) => ({ ascending: clause.ascending, node: { type: 'compare', entity: clause.entity, key: clause.key, op: '=', value: null, column: 0 } as Comparison }));
  return (a, b) => {
    for (const { node, ascending } of clauses) {
      const x = usable(lookup(node, a));
      const y = usable(lookup(node, b));
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const order = x < y ? -1 : 1;
      return ascending ? order : -order;
    }
    return 0;
  };
}

function usable(v: string | number | null): string | number | null {
  return typeof v === 'number' && Number.isNaN(v) ? null : v;
}
