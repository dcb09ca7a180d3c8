import type pg from 'pg';
import { redactSecrets } from '../../core/errors.js';
import { openPgPool } from '../../core/sql/openPgPool.js';
import { pgClient } from '../../core/sql/pgClient.js';
import { pgRows, pgRun, type PgQueryable } from '../../core/sql/pgQuery.js';
import { withPgTransaction } from '../../core/sql/pgTransaction.js';
import type { SqlClient } from '../../core/sql/sqlClient.js';
import { DEFAULT_EXPERIMENT_ID, LIMITS, type Artifact, type Experiment, type Metric, type Run, type RunInfo, type RunTag } from '../entities.js';
import { fetchPage } from '../pageToken.js';
import { sampleSteps } from '../sampleSteps.js';
import { POSTGRES_DIALECT } from '../sql/compileFilter.js';
import { EXPERIMENT_COLUMNS, metricValue, type ExperimentRow } from '../sql/runRows.js';
import { experimentSearchIdentity, experimentSearchQuery, runSearchIdentity, runSearchQuery, type RunSearch } from '../sql/searchQuery.js';
import { defaultExperimentUndeletable, experimentNameTaken, experimentNotFound, ingestOffsetMoved, runDeleted, runIdTaken, runNotFound, tagNotFound } from '../trackingErrors.js';
import type {
  CreateExperimentRequest,
  CreateRunRequest,
  IngestCheckpoint,
  Page,
  PageRequest,
  SampleHistoryRequest,
  SearchExperimentsRequest,
  SearchRunsRequest,
  TrackingStore,
  TrackingWrite,
} from '../trackingStore.js';
import { checkArtifactPath, checkExperimentName, checkKey, checkRunId, checkSampleRequest, checkTag } from '../validate.js';
import { applyWrites, experimentKey, insertRun, logBatch, type PgWriteContext } from './applyWrites.js';
import { insertExperiment, lockExperiment, refuseTakenName, setExperimentStage } from './experimentWrites.js';
import { loadExperiments } from './loadExperiments.js';
import { rowsToRuns, RUN_DATA_COLUMNS, type WholeRunRow } from './rowsToRuns.js';
import { migrationError, PG_TRACKING_MIGRATIONS, TRACKING_LINEAGE } from './migrations.js';

export interface PostgresStoreOptions {
  /** postgresql://user:password@host:port/database */
  uri: string;
  /** Who runs are created by when a request names no user. */
  user?: string;
  now?: () => number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/** The two-key advisory lock space of ingestion checkpoints ("ings"), apart from the migrations' lock. */
const INGEST_LOCK = 0x696e_6773;

/**
 * The tracking store on PostgreSQL, for a team server (several may share one database): the SQLite store's schema and
 * search SQL, over a connection pool. A log-batch is one statement; everything else that reads then writes runs in a
 * transaction that locks what it reads (SELECT ... FOR UPDATE, or an advisory lock for an ingestion source).
 */
export class PostgresTrackingStore implements TrackingStore {
  readonly displayUri: string;
  private readonly now: () => number;
  private readonly user: string;
  private sql?: SqlClient;

  private constructor(private readonly pool: pg.Pool, options: PostgresStoreOptions) {
    this.displayUri = redactSecrets(options.uri);
    this.now = options.now ?? Date.now;
    this.user = options.user ?? 'unknown';
  }

  /** Connects and brings the schema to the latest version (once, even when several servers start at once). */
  static async open(options: PostgresStoreOptions): Promise<PostgresTrackingStore> {
    const pool = await openPgPool({ uri: options.uri, what: 'the tracking store', max: options.poolSize });
    try {
      await pgClient(pool).migrate(TRACKING_LINEAGE, PG_TRACKING_MIGRATIONS);
    } catch (err) {
      await pool.end().catch(() => {});
      throw migrationError(err, redactSecrets(options.uri));
    }
    return new PostgresTrackingStore(pool, options);
  }

  private context(db: PgQueryable): PgWriteContext {
    return { db, now: this.now, user: this.user };
  }

  private tx<T>(fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    return withPgTransaction(this.pool, fn);
  }

  async createExperiment(request: CreateExperimentRequest): Promise<string> {
    const name = checkExperimentName(request.name);
    const tags = (request.tags ?? []).map(checkTag);
    try {
      return await this.tx((db) => insertExperiment(db, { name, artifactLocation: request.artifact_location, tags, now: this.now() }));
    } catch (err) {
      // Another server created the same name between the check and the insert.
      if ((err as { code?: string }).code === '23505') await refuseTakenName(this.pool, name);
      throw err;
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const rows = await pgRows<ExperimentRow>(this.pool, `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.experiment_id = ?`, [experimentKey(experimentId)]);
    if (rows.length === 0) throw experimentNotFound(experimentId);
    return (await loadExperiments(this.pool, rows))[0];
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    const rows = await pgRows<ExperimentRow>(this.pool, `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.name = ?`, [name]);
    return rows.length === 0 ? null : (await loadExperiments(this.pool, rows))[0];
  }

  async searchExperiments(request: SearchExperimentsRequest = {}): Promise<Page<'experiments', Experiment>> {
    return fetchPage({
      key: 'experiments',
      request,
      limits: { default: LIMITS.searchExperimentsDefault, max: LIMITS.searchExperimentsMax },
      query: experimentSearchIdentity(request),
      fetch: (limit, offset) => {
        const search = experimentSearchQuery(request, { limit, offset }, POSTGRES_DIALECT);
        return pgRows<ExperimentRow>(this.pool, search.sql, search.params);
      },
      hydrate: (rows) => loadExperiments(this.pool, rows),
    });
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    const name = checkExperimentName(newName);
    await this.tx(async (db) => {
      const key = await lockExperiment(db, experimentId);
      const other = await pgRows<[number]>(db, 'SELECT experiment_id FROM experiments WHERE name = ?', [name]);
      if (other.length > 0 && other[0][0] !== key) throw experimentNameTaken(name);
      await pgRun(db, 'UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?', [name, this.now(), key]);
    });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    if (experimentId === DEFAULT_EXPERIMENT_ID) throw defaultExperimentUndeletable();
    await this.setExperimentStage(experimentId, 'deleted');
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.setExperimentStage(experimentId, 'active');
  }

  private async setExperimentStage(experimentId: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.tx(async (db) => setExperimentStage(db, { key: await lockExperiment(db, experimentId), stage, now: this.now() }));
  }

  async setExperimentTag(experimentId: string, tag: RunTag): Promise<void> {
    checkTag(tag);
    const key = experimentKey(experimentId);
    const changed = await pgRun(
      this.pool,
      'INSERT INTO experiment_tags SELECT experiment_id, ?, ? FROM experiments WHERE experiment_id = ? ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
      [tag.key, tag.value, key],
    );
    if (changed === 0) throw experimentNotFound(experimentId);
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.tx(async (db) => {
      const id = await lockExperiment(db, experimentId);
      if ((await pgRun(db, 'DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?', [id, key])) === 0) {
        throw tagNotFound('experiment', experimentId, key);
      }
    });
  }

  async createRun(request: CreateRunRequest): Promise<RunInfo> {
    // One statement inserts the run and its tags: atomic without a transaction.
    const info = await insertRun(this.context(this.pool), request);
    if (!info) throw runIdTaken(request.run_id);
    return info;
  }

  async getRun(runId: string): Promise<Run> {
    checkRunId(runId);
    const runs = rowsToRuns(await this.searchRunRows({ runIds: [runId], request: { run_view_type: 'ALL' }, limit: 1, offset: 0 }));
    if (runs.length === 0) throw runNotFound(runId);
    return runs[0];
  }

  async searchRuns(request: SearchRunsRequest): Promise<Page<'runs', Run>> {
    return fetchPage({
      key: 'runs',
      request,
      limits: { default: LIMITS.searchRunsDefault, max: LIMITS.searchRunsMax },
      query: runSearchIdentity(request),
      fetch: (limit, offset) => this.searchRunRows({ request, limit, offset }),
      hydrate: rowsToRuns,
    });
  }

  /** One page of whole runs, in one query. */
  private searchRunRows(options: RunSearch): Promise<WholeRunRow[]> {
    const search = runSearchQuery({ ...options, columns: RUN_DATA_COLUMNS }, POSTGRES_DIALECT);
    return pgRows<WholeRunRow>(this.pool, search.sql, search.params);
  }

  async deleteRun(runId: string): Promise<void> {
    await this.setRunStage(runId, 'deleted');
  }

  async restoreRun(runId: string): Promise<void> {
    await this.setRunStage(runId, 'active');
  }

  private async setRunStage(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    checkRunId(runId);
    const changed = await pgRun(this.pool, 'UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_id = ?', [stage, stage === 'deleted' ? this.now() : null, runId]);
    if (changed === 0) throw runNotFound(runId);
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    checkKey(key, 'tag');
    checkRunId(runId);
    const rows = await pgRows<[string, number]>(
      this.pool,
      `WITH r AS (SELECT id, lifecycle_stage FROM runs WHERE run_id = ?),
      d AS (DELETE FROM tags t USING r WHERE t.run = r.id AND r.lifecycle_stage = 'active' AND t.key = ? RETURNING 1)
      SELECT r.lifecycle_stage, (SELECT count(*) FROM d) FROM r`,
      [runId, key],
    );
    if (rows.length === 0) throw runNotFound(runId);
    if (rows[0][0] !== 'active') throw runDeleted(runId);
    if (rows[0][1] === 0) throw tagNotFound('run', runId, key);
  }

  async getMetricHistory(runId: string, key: string, request: PageRequest = {}): Promise<Page<'metrics', Metric>> {
    checkRunId(runId);
    return fetchPage({
      key: 'metrics',
      request,
      limits: { default: LIMITS.metricHistoryDefault, max: LIMITS.metricHistoryMax },
      query: [runId, key],
      fetch: async (limit, offset) => {
        const rows = await pgRows<[number, number, number, number]>(
          this.pool,
          'SELECT m.value, m.is_nan, m.timestamp, m.step FROM metrics m JOIN runs r ON r.id = m.run WHERE r.run_id = ? AND m.key = ? ORDER BY m.step, m.timestamp, m.value LIMIT ? OFFSET ?',
          [runId, key, limit, offset],
        );
        // One round trip for a page; only an empty one asks whether the run exists.
        if (rows.length === 0) await this.runKey(runId);
        return rows;
      },
      hydrate: (rows) => rows.map(([value, isNan, timestamp, step]) => ({ key, value: metricValue(value, isNan), timestamp, step })),
    });
  }

  async sampleMetricHistory(runId: string, key: string, request: SampleHistoryRequest): Promise<Metric[]> {
    checkSampleRequest(request);
    const run = await this.runKey(runId);
    const range = [request.start_step ?? Number.MIN_SAFE_INTEGER, request.end_step ?? Number.MAX_SAFE_INTEGER];
    const steps = await pgRows<[number]>(this.pool, 'SELECT DISTINCT step FROM metrics WHERE run = ? AND key = ? AND step BETWEEN ? AND ? ORDER BY step', [run, key, ...range]);
    const kept = sampleSteps(steps.map(([step]) => step), request.max_results);
    if (kept.length === 0) return [];
    const rows = await pgRows<[number, number, number, number]>(
      this.pool,
      'SELECT value, is_nan, timestamp, step FROM metrics WHERE run = ? AND key = ? AND step = ANY(?::bigint[]) ORDER BY step, timestamp, value',
      [run, key, kept],
    );
    return rows.map(([value, isNan, timestamp, step]) => ({ key, value: metricValue(value, isNan), timestamp, step }));
  }

  async listArtifacts(runId: string, prefix?: string): Promise<Artifact[]> {
    const run = await this.runKey(runId);
    const rows =
      prefix === undefined || prefix === ''
        ? await pgRows<[string, string, number]>(this.pool, 'SELECT path, oid, size FROM artifacts WHERE run = ? ORDER BY path', [run])
        : await pgRows<[string, string, number]>(this.pool, 'SELECT path, oid, size FROM artifacts WHERE run = ? AND (path = ? OR (path > ? AND path < ?)) ORDER BY path', [
            run,
            checkArtifactPath(prefix),
            `${prefix}/`,
            `${prefix}0`,
          ]);
    return rows.map(([path, oid, size]) => ({ path, oid, size }));
  }

  async write(writes: TrackingWrite[], checkpoint?: IngestCheckpoint): Promise<void> {
    // MLflow's log-batch alone (the hot path) is one statement, atomic without BEGIN and COMMIT.
    const only = writes.length === 1 ? writes[0] : undefined;
    if (!checkpoint && only?.op === 'logBatch') {
      await logBatch(this.context(this.pool), only.run_id, only, true);
      return;
    }
    await this.tx(async (db) => {
      if (checkpoint?.expected_offset !== undefined) {
        // Two ingesters of one source take turns: the second then sees the offset the first stored.
        await pgRun(db, 'SELECT pg_advisory_xact_lock(?, hashtext(?))', [INGEST_LOCK, checkpoint.source]);
        const stored = (await pgRows<[number]>(db, 'SELECT byte_offset FROM ingest_offsets WHERE source = ?', [checkpoint.source]))[0]?.[0] ?? 0;
        if (stored !== checkpoint.expected_offset) throw ingestOffsetMoved(checkpoint.source, stored, checkpoint.expected_offset);
      }
      await applyWrites(this.context(db), writes);
      if (checkpoint) {
        await pgRun(
          db,
          'INSERT INTO ingest_offsets (source, run_id, byte_offset, updated_time) VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET byte_offset = excluded.byte_offset, run_id = excluded.run_id, updated_time = excluded.updated_time',
          [checkpoint.source, checkpoint.run_id, checkpoint.offset, this.now()],
        );
      }
    });
  }

  async getIngestOffset(source: string): Promise<number> {
    const rows = await pgRows<[number]>(this.pool, 'SELECT byte_offset FROM ingest_offsets WHERE source = ?', [source]);
    return rows[0]?.[0] ?? 0;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /** A SqlClient over this store's pool, for the stores that live beside it (registry, logged models, tokens). */
  get sqlClient(): SqlClient {
    return (this.sql ??= pgClient(this.pool));
  }

  /** The connection pool, for benchmarks and tests. */
  get connection(): pg.Pool {
    return this.pool;
  }

  private async runKey(runId: string): Promise<number> {
    const rows = await pgRows<[number]>(this.pool, 'SELECT id FROM runs WHERE run_id = ?', [checkRunId(runId)]);
    if (rows.length === 0) throw runNotFound(runId);
    return rows[0][0];
  }


}
