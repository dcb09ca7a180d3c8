import type Database from 'better-sqlite3';
import { CairnError } from '../../core/errors.js';

/**
 * The schema of the SQLite tracking store, as a list of migrations from version 1. Never edit a released migration:
 * append one. `schema_version` holds one row per applied version. Runs are joined by an integer key (`runs.id`) so
 * the metric table stays small and inserts stay fast; the 32-hex `run_id` is what the world sees. The metric series
 * is one B-tree clustered by (run, key, step, timestamp): history reads are range scans and an insert touches one tree
 * (no separate index); a point identical in every field to a stored one is the same point (MLflow's primary key).
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database, now: number): void;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'experiments, runs, params, metrics (series and latest), tags, inputs, artifacts, ingestion offsets',
    up(db, now) {
      db.exec(`
        CREATE TABLE experiments (
          experiment_id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          artifact_location TEXT NOT NULL,
          lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
          creation_time INTEGER NOT NULL,
          last_update_time INTEGER NOT NULL
        );
        CREATE TABLE experiment_tags (
          experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
          key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (experiment_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY,
          run_id TEXT NOT NULL UNIQUE,
          experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
          run_name TEXT NOT NULL,
          user_id TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
          start_time INTEGER NOT NULL,
          end_time INTEGER,
          artifact_uri TEXT NOT NULL,
          lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
          deleted_time INTEGER
        );
        CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time);
        CREATE INDEX runs_by_start ON runs (start_time, run_id);
        CREATE TABLE params (
          run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run, key)
        ) WITHOUT ROWID;
        CREATE TABLE tags (
          run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run, key)
        ) WITHOUT ROWID;
        CREATE TABLE metrics (
          run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          value REAL NOT NULL,
          is_nan INTEGER NOT NULL DEFAULT 0,
          timestamp INTEGER NOT NULL,
          step INTEGER NOT NULL,
          PRIMARY KEY (run, key, step, timestamp, value, is_nan)
        ) WITHOUT ROWID;
        CREATE TABLE latest_metrics (
          run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          value REAL,
          is_nan INTEGER NOT NULL DEFAULT 0,
          timestamp INTEGER NOT NULL,
          step INTEGER NOT NULL,
          PRIMARY KEY (run, key)
        ) WITHOUT ROWID;
        CREATE TABLE inputs (
          run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          name TEXT NOT NULL, digest TEXT NOT NULL, source_type TEXT NOT NULL, source TEXT NOT NULL,
          schema TEXT, profile TEXT, context TEXT, tags TEXT NOT NULL DEFAULT '[]',
          PRIMARY KEY (run, name, digest)
        ) WITHOUT ROWID;
        CREATE TABLE artifacts (
          run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          path TEXT NOT NULL, oid TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (run, path)
        ) WITHOUT ROWID;
        CREATE TABLE ingest_offsets (
          source TEXT PRIMARY KEY, run_id TEXT NOT NULL, offset INTEGER NOT NULL, updated_time INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
      db.prepare('INSERT INTO experiments VALUES (0, ?, ?, ?, ?, ?)').run('Default', DEFAULT_ARTIFACT_LOCATION_0, 'active', now, now);
    },
  },
  {
    version: 2,
    description: 'search indexes: runs by a metric, param or tag value across experiments (runs list --filter at scale)',
    up(db) {
      db.exec(`
        CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);
        CREATE INDEX params_by_key ON params (key, value);
        CREATE INDEX tags_by_key ON tags (key, value);
      `);
    },
  },
];

/** Artifacts are cache objects, served by cairn's artifact proxy: MLflow's scheme for proxied artifacts names them. */
export const DEFAULT_ARTIFACT_LOCATION_0 = 'mlflow-artifacts:/0';

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings the database to `target` (default: the latest) in one IMMEDIATE transaction, so two processes opening a
 * new store at once do not both migrate it. A database newer than this cairn is refused, not guessed at.
 */
export function migrate(db: Database.Database, options: { now: number; target?: number; file: string }): number {
  const target = options.target ?? LATEST_SCHEMA_VERSION;
  return db
    .transaction(() => {
      db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_time INTEGER NOT NULL)');
      const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
      const current = row.v ?? 0;
      if (current > LATEST_SCHEMA_VERSION) {
        throw new CairnError('CONFLICT', `the tracking store ${options.file} has schema version ${current}, newer than this cairn knows (${LATEST_SCHEMA_VERSION})`, {
          hint: 'upgrade cairn to open it',
        });
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current || m.version > target) continue;
        m.up(db, options.now);
        db.prepare('INSERT INTO schema_version VALUES (?, ?, ?)').run(m.version, m.description, options.now);
      }
      return Math.max(current, target);
    })
    .immediate();
}
