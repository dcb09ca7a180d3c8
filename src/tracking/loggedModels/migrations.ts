import type { SqlMigration } from '../../core/sql/sqlClient.js';

/**
 * The schema of MLflow 3's logged models, in portable SQL (SQLite and PostgreSQL). A metric value that is NaN is
 * stored as NULL with is_nan = 1 (SQLite has no NaN); ±Infinity are stored as they are (both databases hold them).
 */
export const LOGGED_MODEL_MIGRATIONS: SqlMigration[] = [
  {
    version: 1,
    description: 'logged models with their params, tags and metrics; the models runs used and produced',
    up: [
      `CREATE TABLE logged_models (
        model_id TEXT PRIMARY KEY,
        experiment_id TEXT NOT NULL,
        name TEXT NOT NULL,
        artifact_location TEXT NOT NULL,
        creation_timestamp_ms BIGINT NOT NULL,
        last_updated_timestamp_ms BIGINT NOT NULL,
        status TEXT NOT NULL,
        status_message TEXT,
        lifecycle_stage TEXT NOT NULL DEFAULT 'active',
        model_type TEXT,
        source_run_id TEXT
      )`,
      'CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp_ms)',
      `CREATE TABLE logged_model_params (
        model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
        key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (model_id, key)
      )`,
      `CREATE TABLE logged_model_tags (
        model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
        key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (model_id, key)
      )`,
      `CREATE TABLE logged_model_metrics (
        model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value DOUBLE PRECISION,
        is_nan INTEGER NOT NULL DEFAULT 0,
        timestamp BIGINT NOT NULL,
        step BIGINT NOT NULL,
        run_id TEXT NOT NULL DEFAULT '',
        dataset_name TEXT NOT NULL DEFAULT '',
        dataset_digest TEXT NOT NULL DEFAULT ''
      )`,
      'CREATE INDEX logged_model_metrics_by_model ON logged_model_metrics (model_id, key)',
      `CREATE TABLE logged_model_runs (
        run_id TEXT NOT NULL,
        model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
        direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
        step BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, direction, model_id)
      )`,
    ],
  },
];
