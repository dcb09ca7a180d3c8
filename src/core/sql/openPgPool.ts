import pg from 'pg';
import { CairnError, redactSecrets } from '../errors.js';
import { PG_TYPES } from './pgQuery.js';

export interface OpenPgPoolOptions {
  /** postgresql://user:password@host:port/database?... (libpq's URI form). */
  uri: string;
  /** What the database is for, in messages ("the tracking store"). */
  what: string;
  /** Connections in the pool (default 10). */
  max?: number;
}

/**
 * A connection pool to PostgreSQL, with one connection made at once so a wrong URI fails here, with what failed,
 * where, and what to do, rather than at the first request. Passwords never reach a message.
 */
export async function openPgPool(options: OpenPgPoolOptions): Promise<pg.Pool> {
  const where = redactSecrets(options.uri);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({ connectionString: options.uri, max: options.max ?? 10, connectionTimeoutMillis: 10_000, application_name: 'cairn', types: PG_TYPES });
  } catch (err) {
    throw new CairnError('USAGE', `${options.what} URI ${where} cannot be read: ${redactSecrets((err as Error).message)}`, {
      hint: 'write postgresql://user:password@host:5432/database',
    });
  }
  // An idle connection the server closes (a restart, a failover) must not crash the process: the next query reconnects.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw connectError(err, options.what, where);
  }
  return pool;
}

function connectError(err: unknown, what: string, where: string): CairnError {
  const e = err as { code?: string; message?: string };
  const reason = redactSecrets(e.message ?? String(err));
  const host = (() => {
    try {
      const url = new URL(where);
      return { host: url.hostname || 'localhost', port: url.port || '5432', database: url.pathname.slice(1) };
    } catch {
      return { host: 'localhost', port: '5432', database: '' };
    }
  })();
  if (e.code === '28P01' || e.code === '28000' || /password/i.test(reason)) {
    return new CairnError('AUTH', `PostgreSQL refused the login to ${what} ${where}: ${reason}`, {
      cause: err,
      hint: 'check the user and password in the URI (postgresql://user:password@host/database) and the server\'s pg_hba.conf',
    });
  }
  if (e.code === '3D000') {
    return new CairnError('NOT_FOUND', `${what} ${where} does not exist: ${reason}`, {
      cause: err,
      hint: `create the database first, for example: createdb -h ${host.host} -p ${host.port} ${host.database || '<name>'}`,
    });
  }
  return new CairnError('REMOTE', `cannot connect to ${what} ${where}: ${reason}`, {
    cause: err,
    hint: `check that PostgreSQL runs and accepts connections there (pg_isready -h ${host.host} -p ${host.port}), and the host and port in the URI`,
  });
}
