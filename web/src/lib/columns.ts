/**
 * The runs table's model, pure: which columns exist (attributes, params, metrics, tags), what a cell holds, how rows
 * sort (with the filter grammar's own comparator, so a client-side sort agrees with the server's order_by) and how
 * they group by a param.
 */
import { compareSubjects, parseOrderBy, type FilterSubject, type OrderBy } from '@cairn/filter';
import type { Run, RunKeys } from '../api/types';

export type ColumnKind = 'attribute' | 'param' | 'metric' | 'tag';

export interface Column {
  /** As the filter grammar writes it: `attributes.start_time`, `metrics.val loss` (quoted when written in a filter). */
  id: string;
  kind: ColumnKind;
  /** The key after the prefix. */
  name: string;
  label: string;
  numeric: boolean;
  /** Whether the server can order by it (duration is computed here, so only a loaded page sorts by it). */
  serverSortable: boolean;
  width: number;
}

export interface SortKey {
  id: string;
  desc: boolean;
}

const PREFIX: Record<ColumnKind, string> = { attribute: 'attributes', param: 'params', metric: 'metrics', tag: 'tags' };

/** The attribute columns, in the order the picker shows them. */
export const ATTRIBUTE_COLUMNS: Array<{ name: string; label: string; numeric: boolean; serverSortable?: boolean; width: number }> = [
  { name: 'run_name', label: 'Run', numeric: false, width: 220 },
  { name: 'status', label: 'Status', numeric: false, width: 96 },
  { name: 'start_time', label: 'Started', numeric: true, width: 140 },
  { name: 'duration', label: 'Duration', numeric: true, serverSortable: false, width: 96 },
  { name: 'end_time', label: 'Ended', numeric: true, width: 140 },
  { name: 'user_id', label: 'User', numeric: false, width: 110 },
  { name: 'run_id', label: 'Run id', numeric: false, width: 130 },
  { name: 'experiment_id', label: 'Experiment', numeric: false, width: 96 },
];

export const DEFAULT_ATTRIBUTES = ['run_name', 'status', 'start_time', 'duration', 'user_id'];

/** The column of an id (`metrics.acc`); null for an id no column has (a stale link's unknown attribute). */
export function columnOf(id: string): Column | null {
  const dot = id.indexOf('.');
  if (dot < 0) return null;
  const prefix = id.slice(0, dot);
  const name = id.slice(dot + 1);
  if (name === '') return null;
  if (prefix === 'attributes') {
    const a = ATTRIBUTE_COLUMNS.find((c) => c.name === name);
    return a ? { id, kind: 'attribute', name, label: a.label, numeric: a.numeric, serverSortable: a.serverSortable ?? true, width: a.width } : null;
  }
  const kind = (Object.keys(PREFIX) as ColumnKind[]).find((k) => PREFIX[k] === prefix && k !== 'attribute');
  if (!kind) return null;
  return { id, kind, name, label: name, numeric: kind === 'metric', serverSortable: true, width: kind === 'tag' ? 140 : 110 };
}

export function columnId(kind: ColumnKind, name: string): string {
  return `${PREFIX[kind]}.${name}`;
}

/** What a new view shows: the main attributes, then up to 8 metrics and 8 params (system tags `mlflow.*` never). */
export function defaultColumnIds(keys: RunKeys): string[] {
  return [
    ...DEFAULT_ATTRIBUTES.map((n) => columnId('attribute', n)),
    ...keys.metrics.slice(0, 8).map((n) => columnId('metric', n)),
    ...keys.params.slice(0, 8).map((n) => columnId('param', n)),
  ];
}

/** Every column the picker offers for these keys (user tags first; `mlflow.*` system tags last). */
export function availableColumnIds(keys: RunKeys): string[] {
  const tags = [...keys.tags.filter((t) => !t.startsWith('mlflow.')), ...keys.tags.filter((t) => t.startsWith('mlflow.'))];
  return [
    ...ATTRIBUTE_COLUMNS.map((a) => columnId('attribute', a.name)),
    ...keys.metrics.map((n) => columnId('metric', n)),
    ...keys.params.map((n) => columnId('param', n)),
    ...tags.map((n) => columnId('tag', n)),
  ];
}

/** Pinned columns first (in their order), then the rest; ids without a column are dropped. */
export function arrangeColumns(ids: readonly string[], pinned: readonly string[]): Column[] {
  const known = ids.map(columnOf).filter((c): c is Column => c !== null);
  const pinnedSet = new Set(pinned);
  return [...known.filter((c) => pinnedSet.has(c.id)), ...known.filter((c) => !pinnedSet.has(c.id))];
}

/** Moves `id` to just before `beforeId` (or to the end when beforeId is null). */
export function moveColumn(ids: readonly string[], id: string, beforeId: string | null): string[] {
  const rest = ids.filter((x) => x !== id);
  const at = beforeId === null ? rest.length : rest.indexOf(beforeId);
  rest.splice(at < 0 ? rest.length : at, 0, id);
  return rest;
}

export function durationOf(run: Run): number | null {
  if (!run.startTime) return null;
  if (run.endTime) return run.endTime - run.startTime;
  return null;
}

/** A cell's raw value: a number for numeric columns, a string otherwise, null when the run does not have it. */
export function cellValue(run: Run, column: Pick<Column, 'kind' | 'name'>): string | number | null {
  switch (column.kind) {
    case 'metric':
      return column.name in run.metrics ? run.metrics[column.name] : null;
    case 'param':
      return run.params[column.name] ?? null;
    case 'tag':
      return run.tags[column.name] ?? null;
    case 'attribute':
      switch (column.name) {
        case 'run_name':
          return run.name;
        case 'status':
          return run.status;
        case 'start_time':
          return run.startTime || null;
        case 'end_time':
          return run.endTime;
        case 'duration':
          return durationOf(run);
        case 'user_id':
          return run.user;
        case 'run_id':
          return run.id;
        case 'experiment_id':
          return run.experimentId;
        default:
          return null;
      }
  }
}

const subjects = new WeakMap<Run, FilterSubject>();

/** A run as the filter grammar's evaluator sees it (cached: a sort asks for each run many times). */
export function subjectOf(run: Run): FilterSubject {
  let s = subjects.get(run);
  if (!s) {
    s = {
      metrics: run.metrics,
      params: run.params,
      tags: run.tags,
      attributes: {
        run_id: run.id,
        run_name: run.name,
        status: run.status,
        user_id: run.user,
        artifact_uri: run.artifactUri,
        lifecycle_stage: run.lifecycle,
        experiment_id: run.experimentId,
        start_time: run.startTime,
        end_time: run.endTime,
        duration: durationOf(run),
      },
    };
    subjects.set(run, s);
  }
  return s;
}

/** A key as the grammar writes it: backticks around names with characters an unquoted key cannot hold. */
export function quotedId(id: string): string {
  const dot = id.indexOf('.');
  const prefix = id.slice(0, dot);
  const name = id.slice(dot + 1);
  return /^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(name) ? `${prefix}.${name}` : `${prefix}.\`${name.replace(/`/g, '``')}\``;
}

/** MLflow order_by clauses for a sort (`metrics.acc DESC`); client-only columns are left out. */
export function orderByClauses(sort: readonly SortKey[]): string[] {
  return sort.filter((s) => columnOf(s.id)?.serverSortable).map((s) => `${quotedId(s.id)} ${s.desc ? 'DESC' : 'ASC'}`);
}

/**
 * The runs in the order of `sort`, as the server orders them: each key with missing and NaN values last whatever the
 * direction, then newest first and by run id, so equal rows keep one stable order.
 */
export function sortRuns(runs: readonly Run[], sort: readonly SortKey[]): Run[] {
  const clauses: OrderBy[] = [];
  for (const s of sort) {
    const col = columnOf(s.id);
    if (!col) continue;
    // duration is no grammar attribute; it sorts as one here (evaluateFilter reads attributes by name).
    clauses.push(col.name === 'duration' && col.kind === 'attribute' ? { entity: 'attribute', key: 'duration', ascending: !s.desc } : { ...parseOrderBy(`${quotedId(s.id)}`), ascending: !s.desc });
  }
  clauses.push({ entity: 'attribute', key: 'start_time', ascending: false }, { entity: 'attribute', key: 'run_id', ascending: true });
  const compare = compareSubjects(clauses);
  return [...runs].sort((a, b) => compare(subjectOf(a), subjectOf(b)));
}

export type TableRow = { type: 'group'; key: string; value: string | null; count: number; collapsed: boolean } | { type: 'run'; run: Run; group: string | null };

/**
 * The rows of the table: the runs as they are, or grouped by a param (groups in order of their first run, runs
 * without the param in a last "(none)" group), each group a header row followed by its runs unless collapsed.
 */
export function tableRows(runs: readonly Run[], groupBy: string | null, collapsed: ReadonlySet<string> = new Set()): TableRow[] {
  if (!groupBy) return runs.map((run) => ({ type: 'run', run, group: null }));
  const col = columnOf(groupBy);
  if (!col) return runs.map((run) => ({ type: 'run', run, group: null }));
  const groups = new Map<string, { value: string | null; runs: Run[] }>();
  for (const run of runs) {
    const v = cellValue(run, col);
    const value = v === null ? null : String(v);
    const key = value === null ? '\u0000none' : `=${value}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { value, runs: [] }));
    g.runs.push(run);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === '\u0000none' ? 1 : b === '\u0000none' ? -1 : 0));
  const rows: TableRow[] = [];
  for (const [key, g] of ordered) {
    const isCollapsed = collapsed.has(key);
    rows.push({ type: 'group', key, value: g.value, count: g.runs.length, collapsed: isCollapsed });
    if (!isCollapsed) for (const run of g.runs) rows.push({ type: 'run', run, group: key });
  }
  return rows;
}
