import type Database from 'better-sqlite3';
import type { Run, ViewType } from '../entities.js';
import { parseFilter, parseOrderBy } from '../filter/index.js';
import type { SearchExperimentsRequest, SearchRunsRequest } from '../trackingStore.js';
import { compileFilter, compileOrderBy } from './compileFilter.js';
import { EXPERIMENT_COLUMNS, RUN_INFO_COLUMNS, loadRuns, type ExperimentRow, type RunRow } from './loadRuns.js';

function stageClause(column: string, view: ViewType | undefined): string {
  return view === 'ALL' ? '1' : view === 'DELETED_ONLY' ? `${column} = 'deleted'` : `${column} = 'active'`;
}

/** One page of runs (plus one more, so the caller knows whether another page exists), hydrated. */
export function searchRunRows(
  db: Database.Database,
  options: { request: SearchRunsRequest; runIds?: string[]; limit: number; offset: number },
): { runs: Run[] } {
  const { request } = options;
  const filter = compileFilter(parseFilter(request.filter ?? '', 'runs'), 'runs');
  const order = compileOrderBy((request.order_by ?? []).map((o) => parseOrderBy(o, 'runs')), 'runs');
  const where = [stageClause('r.lifecycle_stage', request.run_view_type), filter.sql];
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
  const sql = `SELECT ${RUN_INFO_COLUMNS} FROM runs r ${order.joins.sql} WHERE ${where.join(' AND ')} ORDER BY ${order.order} LIMIT ? OFFSET ?`;
  const rows = db.prepare(sql).raw(true).all(...params) as RunRow[];
  return { runs: loadRuns(db, rows) };
}

/** One page of experiments (plus one), as rows for loadExperiments. */
export function searchExperimentRows(db: Database.Database, request: SearchExperimentsRequest, page: { limit: number; offset: number }): ExperimentRow[] {
  const filter = compileFilter(parseFilter(request.filter ?? '', 'experiments'), 'experiments');
  const order = compileOrderBy((request.order_by ?? []).map((o) => parseOrderBy(o, 'experiments')), 'experiments');
  const sql = `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e ${order.joins.sql}
    WHERE ${stageClause('e.lifecycle_stage', request.view_type)} AND ${filter.sql} ORDER BY ${order.order} LIMIT ? OFFSET ?`;
  return db.prepare(sql).raw(true).all(...order.joins.params, ...filter.params, page.limit, page.offset) as ExperimentRow[];
}
