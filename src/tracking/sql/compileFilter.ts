import type { Comparison, FilterNode, FilterTarget, OrderBy } from '../filter/index.js';

/** SQL text with `?` placeholders and their parameters: filter values are always bound, never spliced into the text. */
export interface SqlFragment {
  sql: string;
  params: Array<string | number>;
}

/** What the SQLite and PostgreSQL search SQL differ in; the rest of the compiled filter is the same text. */
export interface SqlDialect {
  /** An always-true condition. */
  readonly true: string;
  /** A placeholder for a number a column is compared with (PostgreSQL needs its type to compare a BIGINT with 2.5). */
  readonly numberParam: string;
  /** A case-sensitive match of the whole value with MLflow's LIKE pattern (`%` any run, `_` one character, no escape). */
  like(column: string, pattern: string): SqlFragment;
}

/** SQLite: GLOB is case-sensitive and needs no connection-wide pragma; the LIKE pattern is translated to it. */
export const SQLITE_DIALECT: SqlDialect = {
  true: '1',
  numberParam: '?',
  like: (column, pattern) => ({ sql: `${column} GLOB ?`, params: [likeToGlob(pattern)] }),
};

/** PostgreSQL: LIKE is case-sensitive already; ESCAPE '' makes a backslash an ordinary character, as GLOB does. */
export const POSTGRES_DIALECT: SqlDialect = {
  true: 'TRUE',
  numberParam: 'CAST(? AS DOUBLE PRECISION)',
  like: (column, pattern) => ({ sql: `${column} LIKE ? ESCAPE ''`, params: [pattern] }),
};

/** Columns of `runs r` / `experiments e` each attribute reads. */
const RUN_COLUMNS: Record<string, string> = {
  run_id: 'r.run_id',
  run_name: 'r.run_name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  lifecycle_stage: 'r.lifecycle_stage',
  experiment_id: 'CAST(r.experiment_id AS TEXT)',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};
const EXPERIMENT_COLUMNS: Record<string, string> = {
  experiment_id: 'CAST(e.experiment_id AS TEXT)',
  name: 'e.name',
  artifact_location: 'e.artifact_location',
  lifecycle_stage: 'e.lifecycle_stage',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};

/**
 * Compiles a parsed filter to a WHERE expression over `runs r` (or `experiments e`), with the semantics of
 * evaluateFilter: each comparison is a membership test on the key's rows, negative comparisons are NOT of the positive one
 * (so a run without the tag matches `tags.x != 'a'`), NaN metrics compare with nothing.
 */
export function compileFilter(node: FilterNode | null, target: FilterTarget, dialect: SqlDialect): SqlFragment {
  return compileFilterWith(node, dialect, (comparison) => compileComparison(comparison, target, dialect));
}

/**
 * The part of filter compiling every search shares (runs, experiments, the registry's lists): and/or, and each
 * negative comparison as the NOT of its positive one; `compare` compiles one positive comparison for its tables.
 */
export function compileFilterWith(node: FilterNode | null, dialect: SqlDialect, compare: (node: Comparison) => SqlFragment): SqlFragment {
  if (node === null) return { sql: dialect.true, params: [] };
  if (node.type !== 'compare') {
    const parts = node.items.map((n) => compileFilterWith(n, dialect, compare));
    return { sql: `(${parts.map((p) => p.sql).join(node.type === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
  }
  if (node.op === '!=' || node.op === 'NOT IN') {
    const positive = compare({ ...node, op: node.op === '!=' ? '=' : 'IN' });
    return { sql: `NOT ${positive.sql}`, params: positive.params };
  }
  return compare(node);
}

function compileComparison(node: Comparison, target: FilterTarget, dialect: SqlDialect): SqlFragment {
  const owner = target === 'runs' ? 'r.id' : 'e.experiment_id';
  if (node.entity === 'attribute') {
    const column = (target === 'runs' ? RUN_COLUMNS : EXPERIMENT_COLUMNS)[node.key];
    if (node.op === 'IS NULL') return { sql: `(${column} IS NULL)`, params: [] };
    if (node.op === 'IS NOT NULL') return { sql: `(${column} IS NOT NULL)`, params: [] };
    const test = valueTest(column, node, dialect);
    return { sql: `(${column} IS NOT NULL AND ${test.sql})`, params: test.params };
  }
  const table =
    node.entity === 'metric' ? 'latest_metrics' : node.entity === 'param' ? 'params' : node.entity === 'dataset' ? 'inputs' : target === 'runs' ? 'tags' : 'experiment_tags';
  const ownerColumn = target === 'runs' ? 'run' : 'experiment_id';
  // `owner IN (SELECT ...)` rather than EXISTS: the database can then drive the search from the key's (key, value) index
  // (a few thousand matching rows) instead of probing every run.
  const inKey = (where: string, params: Array<string | number>): SqlFragment => ({
    sql: `${owner} IN (SELECT x.${ownerColumn} FROM ${table} x WHERE ${where})`,
    params,
  });
  if (node.entity === 'dataset') {
    const column = `x.${node.key}`;
    if (node.op === 'IS NULL' || node.op === 'IS NOT NULL') {
      const present = inKey(`${column} IS NOT NULL`, []);
      return node.op === 'IS NULL' ? { sql: `NOT ${present.sql}`, params: [] } : present;
    }
    const test = valueTest(column, node, dialect);
    return inKey(test.sql, test.params);
  }
  if (node.op === 'IS NULL') return { sql: `NOT ${inKey('x.key = ?', [node.key]).sql}`, params: [node.key] };
  if (node.op === 'IS NOT NULL') return inKey('x.key = ?', [node.key]);
  const test = valueTest('x.value', node, dialect);
  const nan = node.entity === 'metric' ? ' AND x.is_nan = 0' : '';
  return inKey(`x.key = ?${nan} AND ${test.sql}`, [node.key, ...test.params]);
}

/** The test of one column against a comparison's value (=, <, IN, LIKE, ILIKE...), its values bound. */
export function valueTest(column: string, node: Comparison, dialect: SqlDialect): SqlFragment {
  const mark = (value: string | number) => (typeof value === 'number' ? dialect.numberParam : '?');
  switch (node.op) {
    case 'IN': {
      const values = node.value as Array<string | number>;
      return { sql: `${column} IN (${values.map(mark).join(', ')})`, params: values };
    }
    case 'LIKE':
      return dialect.like(column, String(node.value));
    case 'ILIKE':
      return dialect.like(`lower(${column})`, String(node.value).toLowerCase());
    default:
      return { sql: `${column} ${node.op} ${mark(node.value as string | number)}`, params: [node.value as string | number] };
  }
}

/** `%` → `*`, `_` → `?`; GLOB's own special characters are bracketed so they match themselves. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const c of pattern) out += c === '%' ? '*' : c === '_' ? '?' : c === '*' || c === '?' || c === '[' ? `[${c}]` : c;
  return out;
}

/**
 * ORDER BY for a search: each clause puts missing (and NaN) values last whatever the direction, as MLflow does, then
 * the tie-breakers (start_time DESC, run_id for runs) make pages stable. Metric/param/tag clauses join by key.
 */
export function compileOrderBy(orderBy: OrderBy[], target: FilterTarget): { joins: SqlFragment; order: string; terms: OrderTerm[] } {
  const joins: string[] = [];
  const params: string[] = [];
  const terms: OrderTerm[] = [];
  orderBy.forEach((clause, i) => {
    let expr: string;
    if (clause.entity === 'attribute') {
      expr = (target === 'runs' ? RUN_COLUMNS : EXPERIMENT_COLUMNS)[clause.key];
    } else {
      const alias = `o${i}`;
      const table = clause.entity === 'metric' ? 'latest_metrics' : clause.entity === 'param' ? 'params' : target === 'runs' ? 'tags' : 'experiment_tags';
      const owner = target === 'runs' ? `${alias}.run = r.id` : `${alias}.experiment_id = e.experiment_id`;
      joins.push(`LEFT JOIN ${table} ${alias} ON ${owner} AND ${alias}.key = ?`);
      params.push(clause.key);
      expr = `${alias}.value`;
    }
    terms.push({ expr: `(${expr} IS NULL)`, dir: 'ASC' }, { expr, dir: clause.ascending ? 'ASC' : 'DESC' });
  });
  if (target === 'runs') terms.push({ expr: 'r.start_time', dir: 'DESC' }, { expr: 'r.run_id', dir: 'ASC' });
  else terms.push({ expr: 'e.creation_time', dir: 'DESC' }, { expr: 'e.experiment_id', dir: 'DESC' });
  return { joins: { sql: joins.join(' '), params }, order: terms.map((t) => `${t.expr} ${t.dir}`).join(', '), terms };
}

/** One term of an ORDER BY. */
export interface OrderTerm {
  expr: string;
  dir: 'ASC' | 'DESC';
}
