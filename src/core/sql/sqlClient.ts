/**
 * One small async SQL interface over SQLite and PostgreSQL, for the stores that are not on the hot path of logging
 * (the model registry, logged models, server tokens), so each is written once instead of once per database.
 *
 * SQL is written once with `?` placeholders in the subset both databases speak: INSERT ... ON CONFLICT (...) DO
 * UPDATE / DO NOTHING, RETURNING, BIGINT times, TEXT. Integer columns come back as JavaScript numbers on both.
 */
export interface SqlClient {
  readonly dialect: 'sqlite' | 'postgres';
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  run(sql: string, params?: unknown[]): Promise<{ changes: number }>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. On SQLite it holds the
   * write lock from the start (BEGIN IMMEDIATE), and `fn` must await only calls of the client it is given: other I/O
   * inside a transaction would hold the lock across event-loop turns.
   */
  tx<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Applies the not-yet-applied migrations of a named lineage, in order, once, even with several starters at once. */
  migrate(lineage: string, migrations: SqlMigration[]): Promise<void>;
}

/** One versioned step of a lineage's schema. Never edit a released one: append. */
export interface SqlMigration {
  version: number;
  description: string;
  /** Statements run in order inside the migration's transaction; a function gets the dialect when SQL differs. */
  up: string[] | ((dialect: SqlClient['dialect']) => string[]);
}

/** The statements of a migration for a dialect. */
export function migrationStatements(migration: SqlMigration, dialect: SqlClient['dialect']): string[] {
  return typeof migration.up === 'function' ? migration.up(dialect) : migration.up;
}

/** The table every lineage records its applied versions in (created by `migrate` when missing). */
export const SQL_MIGRATIONS_TABLE = 'cairn_migrations';
