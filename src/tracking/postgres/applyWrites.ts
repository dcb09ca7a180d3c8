import { randomUUID } from 'node:crypto';
import { CairnError } from '../../core/errors.js';
import { pgRows, type PgQueryable } from '../../core/sql/pgQuery.js';
import { SYSTEM_TAGS, type RunInfo } from '../entities.js';
import { generateRunName } from '../runName.js';
import { lastByKey, paramConflict, planBatch } from '../planBatch.js';
import { experimentDeleted, experimentNotFound, runDeleted, runNotFound, unknownWrite } from '../trackingErrors.js';
import { RUN_INFO_COLUMNS, rowToInfo, type RunRow } from '../sql/runRows.js';
import type { CreateRunRequest, TrackingWrite } from '../trackingStore.js';
import { checkArtifact, checkRunId, checkStatus, checkTag, checkTime, datasetInputRow } from '../validate.js';
import { logBatchStatement, PARAM_CHANGED } from './logBatchStatement.js';

/** What the write functions need: a connection (in a transaction unless one statement does it all), the clock, the default user. */
export interface PgWriteContext {
  db: PgQueryable;
  now(): number;
  user: string;
}

/**
 * Inserts a run, with its tags, in one statement; null when a run with that id exists already (the caller decides
 * whether that is a CONFLICT or, for ensureRun, the run to complete).
 */
export async function insertRun(ctx: PgWriteContext, request: CreateRunRequest): Promise<RunInfo | null> {
  const runId = request.run_id === undefined ? randomUUID().replace(/-/g, '') : checkRunId(request.run_id);
  const experimentId = String(request.experiment_id ?? '');
  const experiment = experimentKey(experimentId);
  const tags = lastByKey((request.tags ?? []).map(checkTag));
  const nameTag = tags.find((t) => t.key === SYSTEM_TAGS.runName)?.value;
  const runName = request.run_name || nameTag || generateRunName();
  const startTime = request.start_time === undefined ? ctx.now() : checkTime(request.start_time, 'start_time');
  const status = checkStatus(request.status ?? 'RUNNING');
  // MLflow keeps the name in both places; the tag is what its UI and clients read.
  const allTags = [...tags.filter((t) => t.key !== SYSTEM_TAGS.runName), { key: SYSTEM_TAGS.runName, value: runName }];
  const rows = await pgRows<RunRow>(
    ctx.db,
    `WITH e AS (SELECT artifact_location FROM experiments WHERE experiment_id = ? AND lifecycle_stage = 'active'),
    r AS (
      INSERT INTO runs AS r (run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri)
      SELECT ?, ?, ?, ?, ?, ?, NULL, e.artifact_location || '/' || ? || '/artifacts' FROM e
      ON CONFLICT (run_id) DO NOTHING
      RETURNING ${RUN_INFO_COLUMNS}
    ),
    t AS (INSERT INTO tags (run, key, value) SELECT r.id, u.k, u.v FROM r, unnest(?::text[], ?::text[]) AS u (k, v))
    SELECT * FROM r`,
    [experiment, runId, experiment, runName, request.user_id || ctx.user, status, startTime, runId, allTags.map((t) => t.key), allTags.map((t) => t.value)],
  );
  if (rows.length === 1) return rowToInfo(rows[0]);
  const [[stage, taken]] = await pgRows<[string | null, boolean]>(
    ctx.db,
    'SELECT (SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?), EXISTS (SELECT 1 FROM runs WHERE run_id = ?)',
    [experiment, runId],
  );
  if (stage === null) throw experimentNotFound(experimentId);
  if (stage !== 'active') throw experimentDeleted(experimentId);
  if (taken) return null;
  throw new CairnError('INTERNAL', `run ${runId} could not be created in experiment ${experimentId}`);
}

/** Applies writes in order; the caller holds the transaction (unless there is one logBatch, one statement alone). */
export async function applyWrites(ctx: PgWriteContext, writes: TrackingWrite[]): Promise<void> {
  for (const w of writes) {
    switch (w.op) {
      case 'ensureRun': {
        const runId = checkRunId(w.run.run_id);
        const existing = await pgRows<[number]>(ctx.db, 'SELECT id FROM runs WHERE run_id = ?', [runId]);
        const created = existing.length === 0 && (await insertRun(ctx, w.run));
        if (!created) {
          // It existed, or another writer created it a moment ago: complete it.
          const tags = [...(w.run.run_name ? [{ key: SYSTEM_TAGS.runName, value: w.run.run_name }] : []), ...(w.run.tags ?? [])];
          if (tags.length > 0) await logBatch(ctx, runId, { tags });
        }
        break;
      }
      case 'logBatch':
        await logBatch(ctx, w.run_id, w);
        break;
      case 'logInputs': {
        const rows = w.datasets.map(datasetInputRow);
        await activeRun(ctx, w.run_id, `INSERT INTO inputs (run, name, digest, source_type, source, schema, profile, context, tags)
          SELECT r.id, u.* FROM r, unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u
          ON CONFLICT DO NOTHING`, columns(rows, 8));
        break;
      }
      case 'logArtifacts': {
        // One row a path (the last one wins, as one upsert after another): ON CONFLICT DO UPDATE refuses a path twice.
        const artifacts = new Map(w.artifacts.map(checkArtifact).map((a) => [a.path, a]));
        const rows = [...artifacts.values()].map((a) => [a.path, a.oid, a.size]);
        await activeRun(ctx, w.run_id, `INSERT INTO artifacts (run, path, oid, size) SELECT r.id, u.* FROM r, unnest(?::text[], ?::text[], ?::bigint[]) AS u
          ON CONFLICT (run, path) DO UPDATE SET oid = excluded.oid, size = excluded.size`, columns(rows, 3));
        break;
      }
      case 'updateRun': {
        const status = w.status === undefined ? null : checkStatus(w.status);
        const endTime = w.end_time === undefined || w.end_time === null ? null : checkTime(w.end_time, 'end_time');
        await activeRun(ctx, w.run_id, `UPDATE runs SET status = coalesce(?, status), end_time = CASE WHEN ? THEN ? ELSE end_time END FROM r WHERE runs.id = r.id`, [
          status,
          w.end_time !== undefined,
          endTime,
        ]);
        if (w.run_name) await logBatch(ctx, w.run_id, { tags: [{ key: SYSTEM_TAGS.runName, value: w.run_name }] });
        break;
      }
      default:
        throw unknownWrite(w);
    }
  }
}

/**
 * One log-batch in one statement. `alone`: the statement is the whole write (no transaction around it), so it may
 * first try the cheaper form that fails on a duplicate point, and retry the one that skips duplicates.
 */
export async function logBatch(ctx: PgWriteContext, runId: string, batch: Parameters<typeof planBatch>[1], alone = false): Promise<void> {
  checkRunId(runId);
  const plan = planBatch(runId, batch);
  const run = async (duplicatePoints: 'ignore' | 'fail') => {
    const statement = logBatchStatement(runId, plan, duplicatePoints);
    return pgRows<[number]>(ctx.db, statement.sql, statement.params);
  };
  let rows: Array<[number]>;
  try {
    rows = await run(alone ? 'fail' : 'ignore');
  } catch (err) {
    const e = err as { code?: string; constraint?: string; detail?: string };
    if (e.code === PARAM_CHANGED) {
      const { key, old, value } = JSON.parse(e.detail ?? '{}') as { key: string; old: string; value: string };
      throw paramConflict(runId, key, old, value);
    }
    if (!(alone && e.code === '23505' && e.constraint === 'metrics_pkey')) throw err;
    rows = await run('ignore');
  }
  if (rows.length === 0) await throwInactive(ctx, runId);
}

/** Runs `sql` (which reads the CTE `r`: the run's key) for an active run; refuses a missing or deleted run. */
async function activeRun(ctx: PgWriteContext, runId: string, sql: string, params: unknown[]): Promise<void> {
  const rows = await pgRows<[number]>(
    ctx.db,
    `WITH r AS (SELECT id FROM runs WHERE run_id = ? AND lifecycle_stage = 'active'), w AS (${sql}) SELECT id FROM r`,
    [checkRunId(runId), ...params],
  );
  if (rows.length === 0) await throwInactive(ctx, runId);
}

/** Why a write found no active run: there is none, or it is deleted. */
async function throwInactive(ctx: PgWriteContext, runId: string): Promise<never> {
  const rows = await pgRows<[string]>(ctx.db, 'SELECT lifecycle_stage FROM runs WHERE run_id = ?', [runId]);
  if (rows.length === 0) throw runNotFound(runId);
  throw runDeleted(runId);
}

/** Rows → one array per column, for unnest(). */
function columns(rows: unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, i) => rows.map((r) => r[i]));
}

/** An experiment id's integer key; an id that is not one is an experiment that does not exist. */
export function experimentKey(experimentId: string): number {
  if (typeof experimentId !== 'string' || !/^\d+$/.test(experimentId) || !Number.isSafeInteger(Number(experimentId))) throw experimentNotFound(String(experimentId));
  return Number(experimentId);
}
