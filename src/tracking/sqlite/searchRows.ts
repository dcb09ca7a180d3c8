import type Database from 'better-sqlite3';
import { SQLITE_DIALECT } from '../sql/compileFilter.js';
import type { ExperimentRow, RunRow } from '../sql/runRows.js';
import { experimentSearchQuery, runSearchQuery } from '../sql/searchQuery.js';
import type { SearchExperimentsRequest, SearchRunsRequest } from '../trackingStore.js';

/** The rows of one page of runs (for loadRuns). */
export function searchRunRows(db: Database.Database, options: { request: SearchRunsRequest; runIds?: string[]; limit: number; offset: number }): RunRow[] {
  const { sql, params } = runSearchQuery(options, SQLITE_DIALECT);
  return db.prepare(sql).raw(true).all(...params) as RunRow[];
}

/** One page of experiments (plus one), as rows for loadExperiments. */
export function searchExperimentRows(db: Database.Database, request: SearchExperimentsRequest, page: { limit: number; offset: number }): ExperimentRow[] {
  const { sql, params } = experimentSearchQuery(request, page, SQLITE_DIALECT);
  return db.prepare(sql).raw(true).all(...params) as ExperimentRow[];
}
