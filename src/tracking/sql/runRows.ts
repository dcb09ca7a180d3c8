import type { Experiment, RunInfo } from '../entities.js';

/** The columns of `runs r` that make a RunInfo, in the order rowToInfo reads them (the same in both databases). */
export const RUN_INFO_COLUMNS = 'r.id, r.run_id, r.run_name, CAST(r.experiment_id AS TEXT), r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage';

/** A row of RUN_INFO_COLUMNS: the run's integer key first. */
export type RunRow = [number, string, string, string, string, RunInfo['status'], number, number | null, string, RunInfo['lifecycle_stage']];

export function rowToInfo(r: RunRow): RunInfo {
  return {
    run_id: r[1],
    run_name: r[2],
    experiment_id: r[3],
    user_id: r[4],
    status: r[5],
    start_time: r[6],
    end_time: r[7],
    artifact_uri: r[8],
    lifecycle_stage: r[9],
  };
}

export const EXPERIMENT_COLUMNS = 'e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time';

export type ExperimentRow = [number, string, string, Experiment['lifecycle_stage'], number, number];

/** An experiment without its tags, from its row. */
export function rowToExperiment([id, name, artifact_location, lifecycle_stage, creation_time, last_update_time]: ExperimentRow): Experiment {
  return { experiment_id: String(id), name, artifact_location, lifecycle_stage, creation_time, last_update_time, tags: {} };
}

/** A NaN metric is stored as is_nan = 1 (SQLite has no NaN; PostgreSQL keeps the same schema so filters compile alike). */
export function metricValue(value: number | null, isNan: number): number {
  return isNan ? NaN : (value as number);
}
