import pg from 'pg';
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
/** Queries built from filters vary without end: past this many, new texts run unnamed (not prepared). */
const MAX_NAMED = 5000;

/** A query config for portable `?` SQL: placeholders rewritten, prepared by name, booleans and undefined bound as on SQLite. */
export function pgQueryConfig(sql: string, params: readonly unknown[] = []): pg.QueryConfig {
  let statement = statements.get(sql);
  if (!statement) {
    statement = { text: toPgPlaceholders(sql) };
    if (statements.size < MAX_NAMED) {
      statement.name = `cairn_${statements.size + 1}`;
      statements.set(sql, statement);
    }
  }
  const values = params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
  return { text: statement.text, values, types: PG_TYPES, ...(statement.name ? { name: statement.name } : {}) };
}

/** Rows as objects keyed by column name. */
export async function pgAll<T>(db: PgQueryable, sql: string, params?: readonly unknown[]): Promise<T[]> {
  return (await db.query(pgQueryConfig(sql, params))).rows as T[];
}

/** Rows as arrays of values in column order (for the shared row readers of src/tracking/sql). */
export async function pgRows<T extends unknown[]>(db: PgQueryable, sql: string, params?: readonly unknown[]): Promise<T[]> {
  return (await db.query({ ...pgQueryConfig(sql, params), rowMode: 'array' } as pg.QueryArrayConfig)).rows as T[];
}

/** Runs a statement; the number of rows it changed (or returned). */
export async function pgRun(db: PgQueryable, sql: string, params?: readonly unknown[]): Promise<number> {
  return (await db.query(pgQueryConfig(sql, params))).rowCount ?? 0;
}
