/**
 * A real PostgreSQL 15 for the tests: initdb + pg_ctl in a temp folder, listening on a free 127.0.0.1 port (trust
 * authentication, fsync off: a throw-away cluster), one cluster per test file and a fresh database per case.
 * initdb refuses to run as root, so as root the cluster belongs to the unprivileged `postgres` user Debian creates.
 */
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './freePort.js';
import { openPgPool } from '../../src/core/sql/openPgPool.js';
import { pgClient } from '../../src/core/sql/pgClient.js';
import type { SqlClient } from '../../src/core/sql/sqlClient.js';

export const PG_BIN = process.env.CAIRN_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Postgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres (the maintenance database). */
  url: string;
  port: number;
  /** Creates an empty database and returns its postgresql:// URL. */
  newDatabase(): Promise<string>;
  /** Stops the server and removes its files (also done by `t.after`). */
  stop(): Promise<void>;
}

/** Whatever registers clean-up: a test's `t`, or `{ after }` from node:test for a whole file. */
export interface AfterHook {
  after(fn: () => unknown): void;
}

/** Whether the PostgreSQL binaries are installed (scripts/setup.sh test installs them). */
export function hasPostgres(): boolean {
  return existsSync(path.join(PG_BIN, 'initdb')) && existsSync(path.join(PG_BIN, 'pg_ctl'));
}

export async function startPostgres(t: AfterHook): Promise<Postgres> {
  if (!hasPostgres()) throw new Error(`PostgreSQL is not installed in ${PG_BIN}: run \`bash scripts/setup.sh test\` (it installs Debian's postgresql)`);
  const base = mkdtempSync(path.join(os.tmpdir(), 'cairn-pg-'));
  const data = path.join(base, 'data');
  const sockets = path.join(base, 'sock');
  const log = path.join(base, 'server.log');
  mkdirSync(sockets);
  const owner = clusterOwner();
  if (owner) for (const dir of [base, sockets]) chownSync(dir, owner.uid, owner.gid);
  const run = (cmd: string, args: string[]) => {
    const options: SpawnSyncOptions = { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', PGTZ: 'UTC' }, cwd: base, ...(owner ?? {}) };
    const r = spawnSync(path.join(PG_BIN, cmd), args, options);
    if (r.status !== 0) {
      const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${String(r.stderr).trim()} ${serverLog}`.trim());
    }
  };
  let started = false;
  const stopNow = () => {
    process.off('exit', stopNow);
    if (started) {
      started = false;
      try { run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); } catch { /* already gone */ }
    }
    rmSync(base, { recursive: true, force: true });
  };
  const stop = async () => stopNow();
  t.after(stop);
  // pg_ctl starts the server as a daemon: a test process that exits without its after hooks (process.exit, an
  // uncaught error) would leave it running, so the exit handler stops it too (synchronously, as exit handlers must).
  process.on('exit', stopNow);
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const settings = [
    `-p ${port}`, `-k ${sockets}`, '-c listen_addresses=127.0.0.1',
    // A throw-away cluster: durability buys nothing and costs the tests time.
    '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
  ];
  run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings.join(' '), 'start']);
  started = true;
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let next = 0;
  const newDatabase = async () => {
    const name = `cairn_test_${++next}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `postgresql://postgres@127.0.0.1:${port}/${name}`;
  };
  return { url, port, newDatabase, stop };
}

/** Root runs the cluster as `postgres` (initdb refuses root); anyone else runs it as themselves. */
function clusterOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('the tests run as root and initdb refuses root, but there is no `postgres` user to run PostgreSQL as (install Debian\'s postgresql)');
  }
}

/**
 * SqlClients on one fresh database of `postgres`: `open` makes another pool on it (so concurrent calls really race),
 * `cleanup` ends every pool it made.
 */
export async function pgClientsOnFreshDatabase(postgres: Postgres): Promise<{ first: SqlClient; open: () => Promise<SqlClient>; cleanup: () => Promise<void> }> {
  const uri = await postgres.newDatabase();
  const pools: pg.Pool[] = [];
  const open = async () => {
    const pool = await openPgPool({ uri, what: 'the test database' });
    pools.push(pool);
    return pgClient(pool);
  };
  return { first: await open(), open, cleanup: async () => void (await Promise.all(pools.map((p) => p.end()))) };
}
