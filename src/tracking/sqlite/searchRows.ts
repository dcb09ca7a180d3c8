import type Database from 'better-sqlite3';
import type { Run } from '../entities.js';
import { SQLITE_DIALECT } from '../sql/compileFilter.js';
import type { ExperimentRow, RunRow } from '../sql/runRows.js';
import { experimentSearchQuery, runSearchQuery } from '../sql/searchQuery.js';
import type { SearchExperimentsRequest, SearchRunsRequest } from '../trackingStore.js';
import { loadRuns } from './loadRuns.js';

/** One page of runs (plus one more, so the caller knows whether another page exists), hydrated. */
export function searchRunRows(
  db: Database.Database,
  options: { request: SearchRunsRequest; runIds?: string[]; limit: number; offset: number },
): { runs: Run[] } {
  const { sql, params } = runSearchQuery(options, SQLITE_DIALECT);
  return { runs: loadRuns(db, db.prepare(sql).raw(true).all(...params) as RunRow[]) };
}

/** One page of experiments (plus one), as rows for loadExperiments. */
export function searchExperimentRows(db: Database.Database, request: SearchExperimentsRequest, page: { limit: number; offset: number }): ExperimentRow[] {
  const { sql, params } = experimentSearchQuery(request, page, SQLITE_DIALECT);
  return db.prepare(sql).raw(true).all(...params) as ExperimentRow[];
}
