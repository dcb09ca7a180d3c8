import type pg from 'pg';
import { CairnError } from '../errors.js';
import { pgAll, pgRun, type PgQueryable } from './pgQuery.js';
import { withPgTransaction } from './pgTransaction.js';
import { SQL_MIGRATIONS_TABLE, type SqlClient, type SqlMigration } from './sqlClient.js';
import { applyMigrations } from './sqliteClient.js';

/** One advisory lock for every lineage's migrations, so servers starting at once apply each version once. */
const MIGRATION_LOCK = 0x6361_6972; // "cair"

/** The SqlClient over a node-postgres pool (the one the PostgreSQL tracking store uses, so both see one database). */
export function pgClient(pool: pg.Pool): SqlClient {
  return over(pool, pool);
}

/** Queries on `db`: the pool, or (with `pool` null) one connection whose transaction is already open. */
function over(db: PgQueryable, pool: pg.Pool | null): SqlClient {
  const client: SqlClient = {
    dialect: 'postgres',
    all: <T>(sql: string, params?: unknown[]) => pgAll<T>(db, sql, params),
    get: async <T>(sql: string, params?: unknown[]) => (await pgAll<T>(db, sql, params))[0],
    run: async (sql, params) => ({ changes: await pgRun(db, sql, params) }),
    tx: pool ? (fn) => withPgTransaction(pool, (conn) => fn(over(conn, null))) : (fn) => fn(client),
    migrate: pool
      ? (lineage, migrations) => migratePg(pool, lineage, migrations)
      : () => Promise.reject(new CairnError('INTERNAL', 'migrations cannot run inside a transaction')),
  };
  return client;
}

/**
 * Applies a lineage's new migrations in one transaction under a transaction-scoped advisory lock: a second server
 * starting at the same moment waits for the first, then finds the versions applied and does nothing.
 */
export async function migratePg(pool: pg.Pool, lineage: string, migrations: SqlMigration[]): Promise<void> {
  await withPgTransaction(pool, async (conn) => {
    const sql = over(conn, null);
    await sql.run('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await sql.run(`CREATE TABLE IF NOT EXISTS ${SQL_MIGRATIONS_TABLE} (lineage TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, applied_time BIGINT NOT NULL, PRIMARY KEY (lineage, version))`);
    await applyMigrations(sql, lineage, migrations);
  });
}
