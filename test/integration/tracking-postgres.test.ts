import { after } from 'node:test';
import { PostgresTrackingStore } from '../../src/tracking/postgres/postgresTrackingStore.js';
import { runTrackingStoreContract } from '../contract/trackingStoreContract.js';
import { startPostgres } from '../helpers/postgres.js';

// One cluster for the file; every case gets a database of its own.
const postgres = await startPostgres({ after });

runTrackingStoreContract('postgresql', async () => {
  const store = await PostgresTrackingStore.open({ uri: await postgres.newDatabase() });
  return { store, cleanup: () => store.close() };
});
