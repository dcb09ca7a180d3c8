import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { CairnError } from '../../core/errors.js';
import { SYSTEM_TAGS, type RunInfo, type RunTag } from '../entities.js';
import { generateRunName } from '../runName.js';
import type { CreateRunRequest, TrackingWrite } from '../trackingStore.js';
import { paramConflict, planBatch, type PlannedBatch } from '../planBatch.js';
import { experimentDeleted, runDeleted, runIdTaken, runNotFound, unknownWrite } from '../trackingErrors.js';
import { checkArtifact, checkArtifactPath, checkRunId, checkStatus, checkTag, checkTime, datasetInputRow } from '../validate.js';
import { RUN_INFO_COLUMNS, rowToInfo, type RunRow } from '../sql/runRows.js';

/** What the write functions need: the connection, a statement cache, the clock and the default user. */
export interface WriteContext {
  db: Database.Database;
  prep(sql: string): Database.Statement;
  now(): number;
  user: string;
}

/** Inserts a run; the caller holds the transaction. */
export function insertRun(ctx: WriteContext, request: CreateRunRequest): RunInfo {
  const runId = request.run_id === undefined ? randomUUID().replace(/-/g, '') : checkRunId(request.run_id);
  const experimentId = String(request.experiment_id ?? '');
  const exp = ctx.prep('SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = ?').get(Number(experimentId)) as
    | { artifact_location: string; lifecycle_stage: string }
    | undefined;
  if (!exp || !/^\d+$/.test(experimentId)) throw new CairnError('NOT_FOUND', `no experiment with id "${experimentId}"`, { hint: 'list experiments with `cairn runs list --json` or create one by name' });
  if (exp.lifecycle_stage !== 'active') {
    throw experimentDeleted(experimentId);
  }
  if (ctx.prep('SELECT 1 FROM runs WHERE run_id = ?').get(runId)) throw runIdTaken(runId);
  const tags = (request.tags ?? []).map(checkTag);
  const nameTag = tags.find((t) => t.key === SYSTEM_TAGS.runName)?.value;
  const runName = request.run_name || nameTag || generateRunName();
  const startTime = request.start_time === undefined ? ctx.now() : checkTime(request.start_time, 'start_time');
  const status = checkStatus(request.status ?? 'RUNNING');
  const artifactUri = `${exp.artifact_location}/${runId}/artifacts`;
  const { lastInsertRowid } = ctx
    .prep('INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)')
    .run(runId, Number(experimentId), runName, request.user_id || ctx.user, status, startTime, artifactUri);
  const run = Number(lastInsertRowid);
  // MLflow keeps the name in both places; the tag is what its UI and clients read.
  setTags(ctx, run, [...tags.filter((t) => t.key !== SYSTEM_TAGS.runName), { key: SYSTEM_TAGS.runName, value: runName }]);
  return rowToInfo(ctx.prep(`SELECT ${RUN_INFO_COLUMNS} FROM runs r WHERE r.id = ?`).raw(true).get(run) as RunRow);
}

/** Applies writes in order; the caller holds the transaction, so any error undoes all of them. */
export function applyWrites(ctx: WriteContext, writes: TrackingWrite[]): void {
  const keys = new Map<string, number>();
  const runKey = (runId: string): number => {
    let key = keys.get(runId);
    if (key === undefined) {
      key = activeRunKey(ctx, runId);
      keys.set(runId, key);
    }
    return key;
  };
  for (const w of writes) {
    switch (w.op) {
      case 'ensureRun': {
        const existing = ctx.prep('SELECT id FROM runs WHERE run_id = ?').get(checkRunId(w.run.run_id)) as { id: number } | undefined;
        if (!existing) {
          insertRun(ctx, w.run);
        } else {
          if (w.run.run_name) renameRun(ctx, existing.id, w.run.run_name);
          setTags(ctx, existing.id, (w.run.tags ?? []).map(checkTag));
        }
        break;
      }
      case 'logBatch': {
        const run = runKey(w.run_id);
        const batch = planBatch(w.run_id, w);
        for (const p of batch.params) logParam(ctx, run, w.run_id, p.key, p.value);
        setTags(ctx, run, batch.tags);
        logMetrics(ctx, run, batch);
        break;
      }
      case 'logInputs': {
        const run = runKey(w.run_id);
        const insert = ctx.prep('INSERT OR IGNORE INTO inputs (run, name, digest, source_type, source, schema, profile, context, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
        for (const input of w.datasets) insert.run(run, ...datasetInputRow(input));
        break;
      }
      case 'logArtifacts': {
        const run = runKey(w.run_id);
        const upsert = ctx.prep('INSERT INTO artifacts (run, path, oid, size) VALUES (?, ?, ?, ?) ON CONFLICT (run, path) DO UPDATE SET oid = excluded.oid, size = excluded.size');
        for (const a of w.artifacts.map(checkArtifact)) upsert.run(run, a.path, a.oid, a.size);
        break;
      }
      case 'deleteArtifacts': {
        const run = runKey(w.run_id);
        // A folder is the key range [dir/, dir0): "0" is the character after "/".
        const remove = ctx.prep('DELETE FROM artifacts WHERE run = ? AND (path = ? OR (path >= ? AND path < ?))');
        for (const p of w.paths) {
          const dir = `${checkArtifactPath(p)}/`;
          remove.run(run, p, dir, `${p}0`);
        }
        break;
      }
      case 'updateRun': {
        const run = runKey(w.run_id);
        if (w.status !== undefined) ctx.prep('UPDATE runs SET status = ? WHERE id = ?').run(checkStatus(w.status), run);
        if (w.end_time !== undefined) ctx.prep('UPDATE runs SET end_time = ? WHERE id = ?').run(w.end_time === null ? null : checkTime(w.end_time, 'end_time'), run);
        if (w.run_name) renameRun(ctx, run, w.run_name);
        break;
      }
      default:
        throw unknownWrite(w);
    }
  }
}

/** The integer key of an active run; writes to a missing or deleted run are refused. */
export function activeRunKey(ctx: WriteContext, runId: string): number {
  const row = ctx.prep('SELECT id, lifecycle_stage FROM runs WHERE run_id = ?').get(checkRunId(runId)) as { id: number; lifecycle_stage: string } | undefined;
  if (!row) throw runNotFound(runId);
  if (row.lifecycle_stage !== 'active') throw runDeleted(runId);
  return row.id;
}


function logParam(ctx: WriteContext, run: number, runId: string, key: string, value: string): void {
  const inserted = ctx.prep('INSERT INTO params (run, key, value) VALUES (?, ?, ?) ON CONFLICT (run, key) DO NOTHING').run(run, key, value);
  if (inserted.changes === 1) return;
  const old = (ctx.prep('SELECT value FROM params WHERE run = ? AND key = ?').get(run, key) as { value: string }).value;
  if (old !== value) throw paramConflict(runId, key, old, value);
}

function setTags(ctx: WriteContext, run: number, tags: RunTag[]): void {
  const upsert = ctx.prep('INSERT INTO tags (run, key, value) VALUES (?, ?, ?) ON CONFLICT (run, key) DO UPDATE SET value = excluded.value');
  for (const t of tags) {
    upsert.run(run, t.key, t.value);
    if (t.key === SYSTEM_TAGS.runName) ctx.prep('UPDATE runs SET run_name = ? WHERE id = ?').run(t.value, run);
  }
}

function renameRun(ctx: WriteContext, run: number, name: string): void {
  setTags(ctx, run, [checkTag({ key: SYSTEM_TAGS.runName, value: name })]);
}

/** Appends metric points, then moves each key's latest value once per call (not once per point). */
function logMetrics(ctx: WriteContext, run: number, batch: PlannedBatch): void {
  if (batch.metrics.length === 0) return;
  const insert = ctx.prep('INSERT OR IGNORE INTO metrics (run, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)');
  for (const m of batch.metrics) {
    const nan = Number.isNaN(m.value);
    insert.run(run, m.key, nan ? 0 : m.value, nan ? 1 : 0, m.timestamp, m.step);
  }
  // MLflow's rule for the latest value: highest step, then timestamp, then value (NaN lowest).
  const upsert = ctx.prep(`INSERT INTO latest_metrics (run, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (run, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step
    WHERE (excluded.step, excluded.timestamp, coalesce(excluded.value, -1e999)) > (step, timestamp, coalesce(value, -1e999))`);
  for (const m of batch.latest) {
    const nan = Number.isNaN(m.value);
    upsert.run(run, m.key, nan ? null : m.value, nan ? 1 : 0, m.timestamp, m.step);
  }
}
