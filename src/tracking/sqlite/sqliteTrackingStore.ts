import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CairnError, fromSystemError } from '../../core/errors.js';
import type { SqlClient } from '../../core/sql/sqlClient.js';
import { connectionGate, sqliteClient, type ConnectionGate } from '../../core/sql/sqliteClient.js';
import { DEFAULT_EXPERIMENT_ID, LIMITS, type Artifact, type Experiment, type Metric, type Run, type RunInfo, type RunTag } from '../entities.js';
import { fetchKeysetPage, fetchPage } from '../pageToken.js';
import { sampleSteps } from '../sampleSteps.js';
import type { DownsampleOptions, DownsampleResult } from '../downsample.js';
import { downsampleInSql } from './downsampleInSql.js';
import { ReaderPool } from './readerPool.js';
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
import { defaultExperimentUndeletable, experimentNameTaken, experimentNotFound, ingestOffsetMoved, runNotFound, tagNotFound } from '../trackingErrors.js';
import { activeRunKey, applyWrites, insertRun, type WriteContext } from './applyWrites.js';
import { EXPERIMENT_COLUMNS, metricValue, type ExperimentRow } from '../sql/runRows.js';
import { loadExperiments, loadRuns } from './loadRuns.js';
import { migrate } from './migrations.js';
import { experimentSearchIdentity, runSearchIdentity } from '../sql/searchQuery.js';
import { searchExperimentRows, searchRunRows } from './searchRows.js';

export interface SqliteStoreOptions {
  /** The database file, or ':memory:'. */
  file: string;
  /** Who runs are created by when a request names no user. */
  user?: string;
  now?: () => number;
  /** Stop migrating at this schema version (tests of migrations only). */
  schemaVersion?: number;
  /** How many worker threads may downsample series in parallel (default: one per core; 0: on the main connection). */
  readers?: number;
}

/**
 * The embedded tracking store: one SQLite file in WAL mode, so readers never wait for the writer and several
 * processes can log at once (writes take the lock up front, BEGIN IMMEDIATE, and wait up to the busy timeout).
 */
export class SqliteTrackingStore implements TrackingStore {
  readonly displayUri: string;
  private readonly ctx: WriteContext;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly gate: ConnectionGate;
  private sql?: SqlClient;
  /** Read-only worker connections for whole-series scans; none for an in-memory database (no other connection sees it). */
  readonly readers: ReaderPool | null;

  private constructor(private readonly db: Database.Database, options: SqliteStoreOptions) {
    this.gate = connectionGate(db);
    this.displayUri = options.file === ':memory:' ? 'sqlite://:memory:' : `sqlite://${path.resolve(options.file)}`;
    this.readers = options.file === ':memory:' || options.readers === 0 ? null : new ReaderPool(path.resolve(options.file), options.readers);
    this.ctx = {
      db,
      prep: (sql) => {
        let stmt = this.statements.get(sql);
        if (!stmt) this.statements.set(sql, (stmt = db.prepare(sql)));
        return stmt;
      },
      now: options.now ?? Date.now,
      user: options.user ?? 'unknown',
    };
  }

  static open(options: SqliteStoreOptions): SqliteTrackingStore {
    let db: Database.Database;
    try {
      if (options.file !== ':memory:') mkdirSync(path.dirname(options.file), { recursive: true });
      db = new Database(options.file, { timeout: 30_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 30000');
    } catch (err) {
      throw fromSystemError(err, `could not open the tracking store ${options.file}`);
    }
    try {
      migrate(db, { now: (options.now ?? Date.now)(), target: options.schemaVersion, file: options.file });
    } catch (err) {
      db.close();
      if (err instanceof CairnError) throw err;
      throw new CairnError('INTEGRITY', `the tracking store ${options.file} could not be opened: ${(err as Error).message}`, { cause: err, hint: 'check that the file is a cairn tracking database' });
    }
    return new SqliteTrackingStore(db, options);
  }

  /** Waits for any async transaction of the SqlClient sharing this connection (src/core/sql/sqliteClient.ts). */
  private async tx<T>(fn: () => T): Promise<T> {
    return this.gate.whenIdle(() => this.db.transaction(fn).immediate());
  }

  async createExperiment(request: CreateExperimentRequest): Promise<string> {
    const name = checkExperimentName(request.name);
    const tags = (request.tags ?? []).map(checkTag);
    return this.tx(() => {
      const existing = this.ctx.prep('SELECT experiment_id, lifecycle_stage FROM experiments WHERE name = ?').get(name) as { experiment_id: number; lifecycle_stage: string } | undefined;
      if (existing) {
        throw experimentNameTaken(name, { id: existing.experiment_id, deleted: existing.lifecycle_stage === 'deleted' });
      }
      const now = this.ctx.now();
      const id = Number(this.ctx.prep('INSERT INTO experiments (name, artifact_location, creation_time, last_update_time) VALUES (?, ?, ?, ?)').run(name, '', now, now).lastInsertRowid);
      this.ctx.prep('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?').run(request.artifact_location || `mlflow-artifacts:/${id}`, id);
      for (const t of tags) this.ctx.prep('INSERT INTO experiment_tags VALUES (?, ?, ?)').run(id, t.key, t.value);
      return String(id);
    });
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const rows = this.ctx.prep(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.experiment_id = ?`).raw(true).all(this.experimentKey(experimentId)) as ExperimentRow[];
    if (rows.length === 0) throw experimentNotFound(experimentId);
    return loadExperiments(this.db, rows)[0];
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    const rows = this.ctx.prep(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.name = ?`).raw(true).all(name) as ExperimentRow[];
    return rows.length === 0 ? null : loadExperiments(this.db, rows)[0];
  }

  async searchExperiments(request: SearchExperimentsRequest = {}): Promise<Page<'experiments', Experiment>> {
    return fetchPage({
      key: 'experiments',
      request,
      limits: { default: LIMITS.searchExperimentsDefault, max: LIMITS.searchExperimentsMax },
      query: experimentSearchIdentity(request),
      fetch: (limit, offset) => searchExperimentRows(this.db, request, { limit, offset }),
      hydrate: (rows) => loadExperiments(this.db, rows),
    });
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    const name = checkExperimentName(newName);
    await this.tx(() => {
      const key = this.existingExperiment(experimentId);
      const other = this.ctx.prep('SELECT experiment_id FROM experiments WHERE name = ?').get(name) as { experiment_id: number } | undefined;
      if (other && other.experiment_id !== key) throw experimentNameTaken(name);
      this.ctx.prep('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?').run(name, this.ctx.now(), key);
    });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    if (experimentId === DEFAULT_EXPERIMENT_ID) throw defaultExperimentUndeletable();
    await this.setExperimentStage(experimentId, 'deleted');
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.setExperimentStage(experimentId, 'active');
  }

  /**
   * As MLflow does, deleting an experiment deletes its active runs with it, and restoring it restores exactly those
   * (the runs whose deletion time is the experiment's), not runs deleted on their own before.
   */
  private async setExperimentStage(experimentId: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.tx(() => {
      const key = this.existingExperiment(experimentId);
      const { lifecycle_stage: current, last_update_time: deletedAt } = this.ctx
        .prep('SELECT lifecycle_stage, last_update_time FROM experiments WHERE experiment_id = ?')
        .get(key) as { lifecycle_stage: string; last_update_time: number };
      if (current === stage) return;
      // Strictly after every earlier run deletion, so the restore below can tell the experiment's runs apart.
      const latest = this.ctx.prep('SELECT max(deleted_time) AS t FROM runs WHERE experiment_id = ?').get(key) as { t: number | null };
      const now = Math.max(this.ctx.now(), (latest.t ?? 0) + 1);
      this.ctx.prep('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?').run(stage, now, key);
      if (stage === 'deleted') {
        this.ctx.prep("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'").run(now, key);
      } else {
        this.ctx.prep("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ? AND lifecycle_stage = 'deleted' AND deleted_time = ?").run(key, deletedAt);
      }
    });
  }

  async setExperimentTag(experimentId: string, tag: RunTag): Promise<void> {
    checkTag(tag);
    await this.tx(() => {
      const key = this.existingExperiment(experimentId);
      this.ctx.prep('INSERT INTO experiment_tags VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value').run(key, tag.key, tag.value);
    });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.tx(() => {
      const id = this.existingExperiment(experimentId);
      const { changes } = this.ctx.prep('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?').run(id, key);
      if (changes === 0) throw tagNotFound('experiment', experimentId, key);
    });
  }

  async createRun(request: CreateRunRequest): Promise<RunInfo> {
    return this.tx(() => insertRun(this.ctx, request));
  }

  async getRun(runId: string): Promise<Run> {
    checkRunId(runId);
    const runs = loadRuns(this.db, searchRunRows(this.db, { runIds: [runId], request: { run_view_type: 'ALL' }, limit: 1, offset: 0 }));
    if (runs.length === 0) throw runNotFound(runId);
    return runs[0];
  }

  async searchRuns(request: SearchRunsRequest): Promise<Page<'runs', Run>> {
    return fetchPage({
      key: 'runs',
      request,
      limits: { default: LIMITS.searchRunsDefault, max: LIMITS.searchRunsMax },
      query: runSearchIdentity(request),
      fetch: (limit, offset) => searchRunRows(this.db, { request, limit, offset }),
      hydrate: (rows) => loadRuns(this.db, rows),
    });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.setRunStage(runId, 'deleted');
  }

  async restoreRun(runId: string): Promise<void> {
    await this.setRunStage(runId, 'active');
  }

  private async setRunStage(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    checkRunId(runId);
    await this.tx(() => {
      const { changes } = this.ctx.prep('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_id = ?').run(stage, stage === 'deleted' ? this.ctx.now() : null, runId);
      if (changes === 0) throw runNotFound(runId);
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    checkKey(key, 'tag');
    await this.tx(() => {
      const run = activeRunKey(this.ctx, runId);
      const { changes } = this.ctx.prep('DELETE FROM tags WHERE run = ? AND key = ?').run(run, key);
      if (changes === 0) throw tagNotFound('run', runId, key);
    });
  }

  async getMetricHistory(runId: string, key: string, request: PageRequest = {}): Promise<Page<'metrics', Metric>> {
    const run = this.runKey(runId);
    return fetchKeysetPage({
      key: 'metrics',
      request,
      limits: { default: LIMITS.metricHistoryDefault, max: LIMITS.metricHistoryMax },
      query: [runId, key],
      // The series' primary key order (run, key, step, timestamp, value, is_nan): each page is one range scan.
      fetch: (limit, after) =>
        (after === null
          ? this.ctx.prep('SELECT value, is_nan, timestamp, step FROM metrics WHERE run = ? AND key = ? ORDER BY step, timestamp, value, is_nan LIMIT ?').raw(true).all(run, key, limit)
          : this.ctx
              .prep('SELECT value, is_nan, timestamp, step FROM metrics WHERE run = ? AND key = ? AND (step, timestamp, value, is_nan) > (?, ?, ?, ?) ORDER BY step, timestamp, value, is_nan LIMIT ?')
              .raw(true)
              .all(run, key, ...after, limit)) as Array<[number, number, number, number]>,
      cursorOf: ([value, isNan, timestamp, step]) => [step, timestamp, value, isNan],
      hydrate: (rows) => rows.map(([value, isNan, timestamp, step]) => ({ key, value: metricValue(value, isNan), timestamp, step })),
    });
  }

  async sampleMetricHistory(runId: string, key: string, request: SampleHistoryRequest): Promise<Metric[]> {
    checkSampleRequest(request);
    const run = this.runKey(runId);
    const range = [request.start_step ?? Number.MIN_SAFE_INTEGER, request.end_step ?? Number.MAX_SAFE_INTEGER];
    const steps = this.ctx.prep('SELECT DISTINCT step FROM metrics WHERE run = ? AND key = ? AND step BETWEEN ? AND ? ORDER BY step').pluck(true).all(run, key, ...range) as number[];
    const kept = sampleSteps(steps, request.max_results);
    if (kept.length === 0) return [];
    const rows = this.ctx
      .prep('SELECT value, is_nan, timestamp, step FROM metrics WHERE run = ? AND key = ? AND step IN (SELECT value FROM json_each(?)) ORDER BY step, timestamp, value')
      .raw(true)
      .all(run, key, JSON.stringify(kept)) as Array<[number | null, number, number, number]>;
    return rows.map(([value, isNan, timestamp, step]) => ({ key, value: metricValue(value, isNan), timestamp, step }));
  }

  /**
   * downsample() computed by SQLite: only a few candidates per bucket reach JavaScript (see downsampleInSql), in a
   * worker thread of its own when the database is a file, so a chart of five long runs reads on every core.
   */
  async downsampleMetricHistory(runId: string, key: string, options: DownsampleOptions): Promise<DownsampleResult> {
    const run = this.runKey(runId);
    return this.readers ? this.readers.downsample(run, key, options) : downsampleInSql(this.ctx, run, key, options);
  }

  async listArtifacts(runId: string, prefix?: string): Promise<Artifact[]> {
    const run = this.runKey(runId);
    const rows = (
      prefix === undefined || prefix === ''
        ? this.ctx.prep('SELECT path, oid, size FROM artifacts WHERE run = ? ORDER BY path').all(run)
        : this.ctx
            .prep('SELECT path, oid, size FROM artifacts WHERE run = ? AND (path = ? OR (path > ? AND path < ?)) ORDER BY path')
            .all(run, checkArtifactPath(prefix), `${prefix}/`, `${prefix}0`)
    ) as Artifact[];
    return rows;
  }

  async write(writes: TrackingWrite[], checkpoint?: IngestCheckpoint): Promise<void> {
    await this.tx(() => {
      if (checkpoint?.expected_offset !== undefined) {
        const row = this.ctx.prep('SELECT offset FROM ingest_offsets WHERE source = ?').get(checkpoint.source) as { offset: number } | undefined;
        if ((row?.offset ?? 0) !== checkpoint.expected_offset) {
          throw ingestOffsetMoved(checkpoint.source, row?.offset ?? 0, checkpoint.expected_offset);
        }
      }
      applyWrites(this.ctx, writes);
      if (checkpoint) {
        this.ctx
          .prep('INSERT INTO ingest_offsets VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET offset = excluded.offset, run_id = excluded.run_id, updated_time = excluded.updated_time')
          .run(checkpoint.source, checkpoint.run_id, checkpoint.offset, this.ctx.now());
      }
    });
  }

  async getIngestOffset(source: string): Promise<number> {
    const row = this.ctx.prep('SELECT offset FROM ingest_offsets WHERE source = ?').get(source) as { offset: number } | undefined;
    return row?.offset ?? 0;
  }

  async close(): Promise<void> {
    await this.readers?.close();
    if (this.db.open) this.db.close();
  }

  /** A SqlClient over this store's connection, for the stores that live beside it (registry, tokens). */
  get sqlClient(): SqlClient {
    return (this.sql ??= sqliteClient(this.db));
  }

  /** The underlying connection, for benchmarks and migration tests. */
  get connection(): Database.Database {
    return this.db;
  }

  private runKey(runId: string): number {
    const row = this.ctx.prep('SELECT id FROM runs WHERE run_id = ?').get(checkRunId(runId)) as { id: number } | undefined;
    if (!row) throw runNotFound(runId);
    return row.id;
  }

  private experimentKey(experimentId: string): number {
    if (typeof experimentId !== 'string' || !/^\d+$/.test(experimentId)) throw experimentNotFound(String(experimentId));
    return Number(experimentId);
  }

  private existingExperiment(experimentId: string): number {
    const key = this.experimentKey(experimentId);
    if (!this.ctx.prep('SELECT 1 FROM experiments WHERE experiment_id = ?').get(key)) throw experimentNotFound(experimentId);
    return key;
  }
}
