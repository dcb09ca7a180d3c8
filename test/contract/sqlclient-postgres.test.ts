import { after } from 'node:test';
import { pgClientsOnFreshDatabase, startPostgres } from '../helpers/postgres.js';
import { runSqlClientContract } from './sqlClientContract.js';

const postgres = await startPostgres({ after });

runSqlClientContract('postgresql', async () => {
  const { first, open, cleanup } = await pgClientsOnFreshDatabase(postgres);
  return { client: first, second: open, cleanup };
});
