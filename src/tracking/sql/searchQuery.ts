import type { ViewType } from '../entities.js';
import { parseFilter, parseOrderBy } from '../filter/index.js';
import type { SearchExperimentsRequest, SearchRunsRequest } from '../trackingStore.js';
import { compileFilter, compileOrderBy, type SqlDialect, type SqlFragment } from './compileFilter.js';
import { EXPERIMENT_COLUMNS, RUN_INFO_COLUMNS } from './runRows.js';

function stageClause(column: string, view: ViewType | undefined, dialect: SqlDialect): string {
  return view === 'ALL' ? dialect.true : view === 'DELETED_ONLY' ? `${column} = 'deleted'` : `${column} = 'active'`;
}

/** What a runs search is asked: the request, or the ids of the runs wanted, and the page. */
export interface RunSearch {
  request: SearchRunsRequest;
  runIds?: string[];
  limit: number;
  offset: number;
  /** More columns after RUN_INFO_COLUMNS, over the page's runs `r` (PostgreSQL reads their params, tags... in the same query). */
  columns?: string;
}

/** The query of one page of runs (`limit` rows from `offset`), as RunRows; the filter is parsed, its values bound. */
export function runSearchQuery(options: RunSearch, dialect: SqlDialect): SqlFragment {
  const { request } = options;
  const filter = compileFilter(parseFilter(request.filter ?? '', 'runs'), 'runs', dialect);
  const order = compileOrderBy((request.order_by ?? []).map((o) => parseOrderBy(o, 'runs')), 'runs');
  const where = [stageClause('r.lifecycle_stage', request.run_view_type, dialect), filter.sql];
  // Parameters in the order their placeholders appear: the joins, the filter, then the id lists.
  const params: Array<string | number> = [...order.joins.params, ...filter.params];
  const experimentIds = request.experiment_ids ?? [];
  if (experimentIds.length > 0) {
    where.push(`r.experiment_id IN (${experimentIds.map(() => '?').join(', ')})`);
    params.push(...experimentIds.map((id) => (/^\d+$/.test(id) ? Number(id) : -1)));
  }
  if (options.runIds) {
    where.push(`r.run_id IN (${options.runIds.map(() => '?').join(', ')})`);
    params.push(...options.runIds);
  }
  params.push(options.limit, options.offset);
  const page = `FROM runs r ${order.joins.sql} WHERE ${where.join(' AND ')} ORDER BY ${order.order} LIMIT ? OFFSET ?`;
  if (!options.columns) return { sql: `SELECT ${RUN_INFO_COLUMNS} ${page}`, params };
  // The extra columns are read for the page's rows only: over the page as a subquery (named r, as runs are), sorted
  // again by the same keys, which it outputs.
  const keys = order.terms.map((t, i) => `${t.expr} AS k${i}`).join(', ');
  const outer = order.terms.map((t, i) => `r.k${i} ${t.dir}`).join(', ');
  return { sql: `SELECT ${RUN_INFO_COLUMNS}, ${options.columns} FROM (SELECT r.*, ${keys} ${page}) r ORDER BY ${outer}`, params };
}

/** The query of one page of experiments, as ExperimentRows. */
export function experimentSearchQuery(request: SearchExperimentsRequest, page: { limit: number; offset: number }, dialect: SqlDialect): SqlFragment {
  const filter = compileFilter(parseFilter(request.filter ?? '', 'experiments'), 'experiments', dialect);
  const order = compileOrderBy((request.order_by ?? []).map((o) => parseOrderBy(o, 'experiments')), 'experiments');
  const sql = `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e ${order.joins.sql}
    WHERE ${stageClause('e.lifecycle_stage', request.view_type, dialect)} AND ${filter.sql} ORDER BY ${order.order} LIMIT ? OFFSET ?`;
  return { sql, params: [...order.joins.params, ...filter.params, page.limit, page.offset] };
}

/** What identifies a runs search for its page tokens (a token of one search is refused by another). */
export function runSearchIdentity(request: SearchRunsRequest): unknown {
  return [request.experiment_ids ?? [], request.filter ?? '', request.order_by ?? [], request.run_view_type ?? 'ACTIVE_ONLY'];
}

/** What identifies an experiments search for its page tokens. */
export function experimentSearchIdentity(request: SearchExperimentsRequest): unknown {
  return [request.filter ?? '', request.order_by ?? [], request.view_type ?? 'ACTIVE_ONLY'];
}
