import pg from 'pg';
import { CairnError, redactSecrets } from '../errors.js';
import { toPgPlaceholders } from './pgPlaceholders.js';

const INT8 = 20;
const INT8_ARRAY = 1016;
const NUMERIC = 1700;
const FLOAT8_ARRAY = 1022;

/**
 * How cairn reads PostgreSQL values: BIGINT (times in ms, keys, counts) and NUMERIC (sums of integers) as JavaScript
 * numbers, as SQLite gives them, instead of node-postgres's strings. Every value cairn stores fits in 2^53.
 */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (text: string) => Number(text);
    if (oid === INT8_ARRAY) return pg.types.getTypeParser(FLOAT8_ARRAY as never, 'text');
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Anything that runs a query: the pool, or the one client holding a transaction. */
export type PgQueryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Prepared-statement names by SQL text: each connection prepares a statement once and reuses it after. */
const statements = new Map<string, { name?: string; text: string }>();
/**
 * A bound on the texts prepared by name (each connection keeps each one for its lifetime); past it, new texts run
 * unnamed. Queries built from search filters vary without end: their callers pass `prepare: false`.
 */
const MAX_NAMED = 1000;

export interface PgQueryOptions {
  /** Prepare the statement by name on each connection (default): for the fixed statements that run again and again. */
  prepare?: boolean;
}

/** A query config for portable `?` SQL: placeholders rewritten, prepared by name, booleans and undefined bound as on SQLite. */
export function pgQueryConfig(sql: string, params: readonly unknown[] = [], options: PgQueryOptions = {}): pg.QueryConfig {
  let statement = statements.get(sql);
  if (!statement) {
    statement = { text: toPgPlaceholders(sql) };
    if (options.prepare !== false && statements.size < MAX_NAMED) {
      statement.name = `cairn_${statements.size + 1}`;
      statements.set(sql, statement);
    }
  }
  const values = params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
  return { text: statement.text, values, types: PG_TYPES, ...(statement.name && options.prepare !== false ? { name: statement.name } : {}) };
}

/** Rows as objects keyed by column name. */
export async function pgAll<T>(db: PgQueryable, sql: string, params?: readonly unknown[], options?: PgQueryOptions): Promise<T[]> {
  return (await query(db, pgQueryConfig(sql, params, options))).rows as T[];
}

/** Rows as arrays of values in column order (for the shared row readers of src/tracking/sql). */
export async function pgRows<T extends unknown[]>(db: PgQueryable, sql: string, params?: readonly unknown[], options?: PgQueryOptions): Promise<T[]> {
  return (await query(db, { ...pgQueryConfig(sql, params, options), rowMode: 'array' } as pg.QueryArrayConfig)).rows as T[];
}

/** Runs a statement; the number of rows it changed (or returned). */
export async function pgRun(db: PgQueryable, sql: string, params?: readonly unknown[], options?: PgQueryOptions): Promise<number> {
  return (await query(db, pgQueryConfig(sql, params, options))).rowCount ?? 0;
}

async function query(db: PgQueryable, config: pg.QueryConfig): Promise<pg.QueryResult> {
  try {
    return await db.query(config);
  } catch (err) {
    throw connectionLost(err) ?? err;
  }
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * A lost or refused connection (the server restarting, a failover) as a CairnError that says so: REMOTE for the CLI,
 * and 503 TEMPORARILY_UNAVAILABLE on the API, which MLflow's clients retry. Null for any other error.
 */
export function connectionLost(err: unknown): CairnError | null {
  const e = err as { code?: string; message?: string };
  const sqlstate = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
  const lost =
    (sqlstate !== null && (sqlstate.startsWith('08') || ['57P01', '57P02', '57P03'].includes(sqlstate))) ||
    (sqlstate === null && ((e?.code !== undefined && CONNECTION_ERRNOS.has(e.code)) || /connection terminated|timeout exceeded when trying to connect|connection error/i.test(e?.message ?? '')));
  if (!lost) return null;
  return new CairnError('REMOTE', `the connection to PostgreSQL failed: ${redactSecrets(e.message ?? String(err))}`, {
    cause: err,
    hint: 'check that the database server is up and reachable; the next request connects again',
    data: { mlflow_code: 'TEMPORARILY_UNAVAILABLE' },
  });
}
