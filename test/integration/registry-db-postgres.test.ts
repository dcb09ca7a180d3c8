import { after } from 'node:test';
import { runRegistryStoreContract } from '../contract/registryStoreContract.js';
import { pgClientsOnFreshDatabase, startPostgres } from '../helpers/postgres.js';

const postgres = await startPostgres({ after });

// Each case gets a fresh database; `second` is another pool on it, so concurrent version creates really race.
runRegistryStoreContract('postgresql', async () => {
  const { first, open, cleanup } = await pgClientsOnFreshDatabase(postgres);
  return { sql: first, second: open, cleanup };
});
