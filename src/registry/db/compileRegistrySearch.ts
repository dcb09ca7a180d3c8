import { CairnError } from '../../core/errors.js';
import type { SqlClient } from '../../core/sql/sqlClient.js';
import type { Comparison, FilterNode, OrderBy } from '../../tracking/filter/index.js';
import { compileFilterWith, POSTGRES_DIALECT, SQLITE_DIALECT, valueTest, type SqlDialect, type SqlFragment } from '../../tracking/sql/compileFilter.js';

/** The search SQL dialect of a client (how LIKE, numbers and TRUE are written). */
export function searchDialect(sql: SqlClient): SqlDialect {
  return sql.dialect === 'postgres' ? POSTGRES_DIALECT : SQLITE_DIALECT;
}

export type RegistryTarget = 'registered_models' | 'model_versions';

/**
 * The columns each attribute reads. Registered models are searched as `registry_models m`, versions as
 * `registry_versions v JOIN registry_models m` (a version's name is its model's).
 */
const COLUMNS: Record<RegistryTarget, Record<string, string>> = {
  registered_models: {
    name: 'm.name',
    creation_timestamp: 'm.creation_timestamp',
    last_updated_timestamp: 'm.last_updated_timestamp',
  },
  model_versions: {
    name: 'm.name',
    version_number: 'v.version',
    run_id: 'v.run_id',
    source_path: 'v.source',
    current_stage: 'v.current_stage',
    user_id: 'v.user_id',
    creation_timestamp: 'v.creation_timestamp',
    last_updated_timestamp: 'v.last_updated_timestamp',
  },
};

/** The rows of a tag key for the model or version being tested. */
const TAG_OWNER: Record<RegistryTarget, { table: string; match: (alias: string) => string }> = {
  registered_models: { table: 'registry_model_tags', match: (x) => `${x}.rm = m.id` },
  model_versions: { table: 'registry_version_tags', match: (x) => `${x}.rm = v.rm AND ${x}.version = v.version` },
};

/**
 * A WHERE expression for a parsed filter, with the semantics of the run search: a negative comparison is the NOT of
 * the positive one, so a model without the tag matches `tags.team != 'a'`; LIKE is case-sensitive, ILIKE is not.
 */
export function compileRegistryFilter(node: FilterNode | null, target: RegistryTarget, dialect: SqlDialect): SqlFragment {
  return compileFilterWith(node, dialect, (comparison) => compileComparison(comparison, target, dialect));
}

function compileComparison(node: Comparison, target: RegistryTarget, dialect: SqlDialect): SqlFragment {
  if (node.entity === 'attribute') {
    const column = COLUMNS[target][node.key];
    if (!column) throw new CairnError('USAGE', `${target.replace('_', ' ')} cannot be filtered by "${node.key}"`);
    if (node.op === 'IS NULL') return { sql: `(${column} IS NULL)`, params: [] };
    if (node.op === 'IS NOT NULL') return { sql: `(${column} IS NOT NULL)`, params: [] };
    const test = valueTest(column, node, dialect);
    return { sql: `(${column} IS NOT NULL AND ${test.sql})`, params: test.params };
  }
  const owner = TAG_OWNER[target];
  const exists = (where: string, params: Array<string | number>): SqlFragment => ({
    sql: `EXISTS (SELECT 1 FROM ${owner.table} x WHERE ${owner.match('x')} AND x.key = ?${where})`,
    params: [node.key, ...params],
  });
  if (node.op === 'IS NULL') {
    const present = exists('', []);
    return { sql: `NOT ${present.sql}`, params: present.params };
  }
  if (node.op === 'IS NOT NULL') return exists('', []);
  const test = valueTest('x.value', node, dialect);
  return exists(` AND ${test.sql}`, test.params);
}

/** The default order and tie-breakers of each list, as MLflow's SQL store has them. */
const DEFAULT_ORDER: Record<RegistryTarget, OrderBy[]> = {
  registered_models: [{ entity: 'attribute', key: 'name', ascending: true }],
  model_versions: [
    { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
    { entity: 'attribute', key: 'name', ascending: true },
    { entity: 'attribute', key: 'version_number', ascending: false },
  ],
};
const TIE_BREAKERS: Record<RegistryTarget, OrderBy[]> = {
  registered_models: [{ entity: 'attribute', key: 'name', ascending: true }],
  model_versions: [
    { entity: 'attribute', key: 'name', ascending: true },
    { entity: 'attribute', key: 'version_number', ascending: false },
  ],
};

/**
 * ORDER BY for a registry search: the clauses asked for (MLflow's default when none), then the tie-breakers not
 * already named (name, and version for versions), so pages are stable. A tag clause joins that tag; missing tags last.
 */
export function compileRegistryOrderBy(orderBy: OrderBy[], target: RegistryTarget): { joins: SqlFragment; order: string } {
  const seen = new Set<string>();
  for (const clause of orderBy) {
    const id = `${clause.entity}.${clause.key}`;
    if (seen.has(id)) throw new CairnError('USAGE', `order_by names ${clause.entity === 'tag' ? `tags.${clause.key}` : clause.key} twice`, { hint: 'name each key once' });
    seen.add(id);
  }
  const clauses = orderBy.length > 0 ? orderBy : DEFAULT_ORDER[target];
  const all = [...clauses, ...TIE_BREAKERS[target].filter((t) => !clauses.some((c) => c.entity === 'attribute' && c.key === t.key))];
  const joins: string[] = [];
  const params: string[] = [];
  const terms = all.map((clause, i) => {
    const dir = clause.ascending ? 'ASC' : 'DESC';
    if (clause.entity === 'attribute') return `${COLUMNS[target][clause.key]} ${dir}`;
    const alias = `o${i}`;
    joins.push(`LEFT JOIN ${TAG_OWNER[target].table} ${alias} ON ${TAG_OWNER[target].match(alias)} AND ${alias}.key = ?`);
    params.push(clause.key);
    return `(${alias}.value IS NULL) ASC, ${alias}.value ${dir}`;
  });
  return { joins: { sql: joins.join(' '), params }, order: terms.join(', ') };
}
