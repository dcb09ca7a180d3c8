import { pgRows, pgRun, type PgQueryable } from '../../core/sql/pgQuery.js';
import type { RunTag } from '../entities.js';
import { experimentNameTaken, experimentNotFound } from '../trackingErrors.js';
import { experimentKey } from './applyWrites.js';

/** The experiment writes that read before they write; each runs inside the caller's transaction. */

/** Inserts an experiment with its tags; its id names its default artifact location. */
export async function insertExperiment(db: PgQueryable, options: { name: string; artifactLocation?: string; tags: RunTag[]; now: number }): Promise<string> {
  await refuseTakenName(db, options.name);
  const [[id]] = await pgRows<[number]>(db, "INSERT INTO experiments (name, artifact_location, creation_time, last_update_time) VALUES (?, '', ?, ?) RETURNING experiment_id", [
    options.name,
    options.now,
    options.now,
  ]);
  await pgRun(db, 'UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?', [options.artifactLocation || `mlflow-artifacts:/${id}`, id]);
  for (const t of options.tags) {
    await pgRun(db, 'INSERT INTO experiment_tags VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value', [id, t.key, t.value]);
  }
  return String(id);
}

/** CONFLICT when an experiment (active or deleted) has the name. */
export async function refuseTakenName(db: PgQueryable, name: string): Promise<void> {
  const rows = await pgRows<[number, string]>(db, 'SELECT experiment_id, lifecycle_stage FROM experiments WHERE name = ?', [name]);
  if (rows.length > 0) throw experimentNameTaken(name, { id: rows[0][0], deleted: rows[0][1] === 'deleted' });
}

/** The experiment's key, its row locked until the transaction ends. */
export async function lockExperiment(db: PgQueryable, experimentId: string): Promise<number> {
  const key = experimentKey(experimentId);
  if ((await pgRows(db, 'SELECT 1 FROM experiments WHERE experiment_id = ? FOR UPDATE', [key])).length === 0) throw experimentNotFound(experimentId);
  return key;
}

/**
 * As MLflow does, deleting an experiment deletes its active runs with it, and restoring it restores exactly those
 * (the runs whose deletion time is the experiment's), not runs deleted on their own before.
 */
export async function setExperimentStage(db: PgQueryable, options: { key: number; stage: 'active' | 'deleted'; now: number }): Promise<void> {
  const { key, stage } = options;
  const [[current, deletedAt, latest]] = await pgRows<[string, number, number | null]>(
    db,
    'SELECT lifecycle_stage, last_update_time, (SELECT max(deleted_time) FROM runs WHERE experiment_id = e.experiment_id) FROM experiments e WHERE experiment_id = ?',
    [key],
  );
  if (current === stage) return;
  // Strictly after every earlier run deletion, so the restore below can tell the experiment's runs apart.
  const now = Math.max(options.now, (latest ?? 0) + 1);
  await pgRun(db, 'UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?', [stage, now, key]);
  if (stage === 'deleted') {
    await pgRun(db, "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'", [now, key]);
  } else {
    await pgRun(db, "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ? AND lifecycle_stage = 'deleted' AND deleted_time = ?", [key, deletedAt]);
  }
}
