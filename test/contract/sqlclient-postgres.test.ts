import { after } from 'node:test';
import pg from 'pg';
import { pgClient } from '../../src/core/sql/pgClient.js';
import { openPgPool } from '../../src/core/sql/openPgPool.js';
import { startPostgres } from '../helpers/postgres.js';
import { runSqlClientContract } from './sqlClientContract.js';

const postgres = await startPostgres({ after });

runSqlClientContract('postgresql', async () => {
  const uri = await postgres.newDatabase();
  const pools: pg.Pool[] = [];
  const open = async () => {
    const pool = await openPgPool({ uri, what: 'the test database' });
    pools.push(pool);
    return pgClient(pool);
  };
  return { client: await open(), second: open, cleanup: async () => { await Promise.all(pools.map((p) => p.end())); } };
});
