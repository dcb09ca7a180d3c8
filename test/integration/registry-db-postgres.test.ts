import { after } from 'node:test';
import pg from 'pg';
import { openPgPool } from '../../src/core/sql/openPgPool.js';
import { pgClient } from '../../src/core/sql/pgClient.js';
import { runRegistryStoreContract } from '../contract/registryStoreContract.js';
import { startPostgres } from '../helpers/postgres.js';

const postgres = await startPostgres({ after });

// Each case gets a fresh database; `second` is another pool on it, so concurrent version creates really race.
runRegistryStoreContract('postgresql', async () => {
  const uri = await postgres.newDatabase();
  const pools: pg.Pool[] = [];
  const open = async () => {
    const pool = await openPgPool({ uri, what: 'the test database' });
    pools.push(pool);
    return pgClient(pool);
  };
  return { sql: await open(), second: open, cleanup: async () => { await Promise.all(pools.map((p) => p.end())); } };
});
