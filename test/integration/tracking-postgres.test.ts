import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openBackend } from '../../src/server/openBackend.js';
import { openTrackingStore } from '../../src/tracking/openTrackingStore.js';
import { PG_TRACKING_MIGRATIONS } from '../../src/tracking/postgres/migrations.js';
import { PostgresTrackingStore } from '../../src/tracking/postgres/postgresTrackingStore.js';
import { ensureExperiment, logParam } from '../../src/tracking/trackingOps.js';
import { rejectsWith, runTrackingStoreContract } from '../contract/trackingStoreContract.js';
import { freePort } from '../helpers/freePort.js';
import { startPostgres } from '../helpers/postgres.js';

// One cluster for the file; every case gets a database of its own.
const postgres = await startPostgres({ after });

runTrackingStoreContract('postgresql', async () => {
  const store = await PostgresTrackingStore.open({ uri: await postgres.newDatabase() });
  return { store, cleanup: () => store.close() };
});

async function query<T>(uri: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('postgresql tracking store', () => {
  it('two stores opening one empty database at once both succeed, with one schema, and see each other\'s writes', async (t) => {
    const uri = await postgres.newDatabase();
    const [a, b] = await Promise.all([PostgresTrackingStore.open({ uri }), PostgresTrackingStore.open({ uri })]);
    t.after(() => Promise.all([a.close(), b.close()]));
    const versions = await query<{ version: number }>(uri, "SELECT version FROM cairn_migrations WHERE lineage = 'tracking' ORDER BY version");
    assert.deepEqual(versions.map((v) => v.version), PG_TRACKING_MIGRATIONS.map((m) => m.version));
    assert.equal((await query<{ n: number }>(uri, "SELECT count(*)::int AS n FROM experiments WHERE name = 'Default'"))[0].n, 1);
    const { run_id } = await a.createRun({ experiment_id: '0', run_name: 'from-a' });
    await a.write([{ op: 'logBatch', run_id, metrics: [{ key: 'acc', value: 0.5, step: 0, timestamp: 1 }] }]);
    assert.deepEqual((await b.searchRuns({ filter: 'metrics.acc = 0.5' })).runs.map((r) => r.info.run_name), ['from-a']);
  });

  it('loses nothing when 8 stores log to one database at once, and creates a shared experiment once', async (t) => {
    const uri = await postgres.newDatabase();
    const setup = await PostgresTrackingStore.open({ uri });
    t.after(() => setup.close());
    const runIds: string[] = [];
    for (let i = 0; i < 8; i++) runIds.push((await setup.createRun({ experiment_id: '0', run_name: `w${i}` })).run_id);
    const shared = (await setup.createRun({ experiment_id: '0', run_name: 'shared' })).run_id;
    await Promise.all(
      runIds.map(async (runId) => {
        const store = await PostgresTrackingStore.open({ uri, poolSize: 2 });
        try {
          await ensureExperiment(store, 'shared');
          await logParam(store, runId, 'writer', runId);
          for (let start = 0; start < 1000; start += 50) {
            const metrics = Array.from({ length: 50 }, (_, i) => ({ key: 'loss', value: 1 / (start + i + 1), step: start + i, timestamp: Date.now() }));
            await store.write([{ op: 'logBatch', run_id: runId, metrics }]);
            await store.write([{ op: 'logBatch', run_id: shared, metrics: [{ key: runId, value: start, step: start, timestamp: 1 }], tags: [{ key: 'last', value: runId }] }]);
          }
        } finally {
          await store.close();
        }
      }),
    );
    for (const id of runIds) {
      const history = await setup.getMetricHistory(id, 'loss', { max_results: 10_000 });
      assert.deepEqual(history.metrics.map((m) => m.step), Array.from({ length: 1000 }, (_, i) => i));
      const run = await setup.getRun(id);
      assert.equal(run.data.params.find((p) => p.key === 'writer')?.value, id);
      assert.equal(run.data.metrics.find((m) => m.key === 'loss')?.step, 999);
    }
    const sharedRun = await setup.getRun(shared);
    assert.equal(sharedRun.data.metrics.length, 8);
    assert.ok(sharedRun.data.metrics.every((m) => m.step === 950));
    assert.equal((await setup.searchExperiments({ filter: "name = 'shared'" })).experiments.length, 1);
  });

  it('two ingesters continuing from one offset: one stores its lines, the other is refused and stores nothing', async (t) => {
    const uri = await postgres.newDatabase();
    const [a, b] = await Promise.all([PostgresTrackingStore.open({ uri }), PostgresTrackingStore.open({ uri })]);
    t.after(() => Promise.all([a.close(), b.close()]));
    const runId = '34'.repeat(16);
    const ingest = (store: PostgresTrackingStore, value: number) =>
      store.write(
        [
          { op: 'ensureRun', run: { run_id: runId, experiment_id: '0', run_name: 'ingested' } },
          { op: 'logBatch', run_id: runId, params: [{ key: 'p', value: 'x' }], metrics: [{ key: 'm', value, step: value, timestamp: 1 }] },
        ],
        { source: 'file:events', run_id: runId, offset: 100, expected_offset: 0 },
      );
    const results = await Promise.allSettled([ingest(a, 1), ingest(b, 2)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
    assert.equal(refused.code, 'CONFLICT');
    assert.equal(refused.data?.reason, 'ingest-offset-moved');
    assert.equal((await a.getMetricHistory(runId, 'm')).metrics.length, 1);
    assert.equal(await b.getIngestOffset('file:events'), 100);
  });

  it('opens postgresql:// and postgres:// URIs by scheme, with the password redacted from its name', async (t) => {
    const uri = await postgres.newDatabase();
    await query(uri, "CREATE ROLE ann LOGIN PASSWORD 'sesame'");
    const withPassword = uri.replace('postgresql://postgres@', 'postgresql://ann:sesame@');
    const denied = await rejectsWith(openTrackingStore({ uri: withPassword, cwd: '/' }), 'PERMISSION', /ann:\*\*\*@.*cannot create its tables/);
    assert.match(denied.hint ?? '', /GRANT CREATE ON SCHEMA public/);
    await query(uri, 'GRANT CREATE ON SCHEMA public TO ann');
    const store = await openTrackingStore({ uri: withPassword, cwd: '/' });
    t.after(() => store.close());
    assert.ok(store instanceof PostgresTrackingStore);
    assert.equal(store.displayUri, withPassword.replace('sesame', '***'));
    const short = await openTrackingStore({ uri: uri.replace('postgresql://', 'postgres://'), cwd: '/' });
    assert.ok(short instanceof PostgresTrackingStore);
    await short.close();
  });

  it('says what to do when the server is unreachable or the database is missing, without the password', async () => {
    const port = await freePort();
    const down = await rejectsWith(openTrackingStore({ uri: `postgresql://ann:sesame@127.0.0.1:${port}/runs`, cwd: '/' }), 'REMOTE', /cannot connect to the tracking store postgresql:\/\/ann:\*\*\*@127\.0\.0\.1/);
    assert.match(down.hint ?? '', new RegExp(`pg_isready -h 127.0.0.1 -p ${port}`));
    assert.doesNotMatch(`${down.message} ${down.hint}`, /sesame/);
    const missing = await rejectsWith(openTrackingStore({ uri: postgres.url.replace(/\/postgres$/, '/nowhere'), cwd: '/' }), 'NOT_FOUND', /does not exist/);
    assert.match(missing.hint ?? '', /createdb -h 127\.0\.0\.1 -p \d+ nowhere/);
  });

  it('gives a server its tracking store and a SqlClient on one pool, so the registry and tokens live in the same database', async (t) => {
    const uri = await postgres.newDatabase();
    const backend = await openBackend({ uri, cwd: '/' });
    t.after(() => backend.close());
    assert.equal(backend.sql.dialect, 'postgres');
    assert.equal(backend.sql, (backend.tracking as PostgresTrackingStore).sqlClient);
    await backend.sql.migrate('probe', [{ version: 1, description: 'probe', up: ['CREATE TABLE probe (run_id TEXT PRIMARY KEY)'] }]);
    const { run_id } = await backend.tracking.createRun({ experiment_id: '0' });
    await backend.sql.run('INSERT INTO probe SELECT run_id FROM runs WHERE run_id = ?', [run_id]);
    assert.deepEqual(await backend.sql.all('SELECT run_id FROM probe'), [{ run_id }]);
    const lineages = await backend.sql.all<{ lineage: string }>('SELECT DISTINCT lineage FROM cairn_migrations ORDER BY lineage');
    assert.deepEqual(lineages.map((l) => l.lineage), ['probe', 'tracking']);
  });

  it('gives back every metric value bit for bit: random doubles, the extremes, NaN and the infinities', async (t) => {
    const store = await PostgresTrackingStore.open({ uri: await postgres.newDatabase() });
    t.after(() => store.close());
    const values = [Math.PI, 0.1 + 0.2, 1e-300, 5e-324, 1.7976931348623157e308, -2.5e-10, NaN, Infinity, -Infinity, ...Array.from({ length: 40 }, () => (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20))];
    const { run_id } = await store.createRun({ experiment_id: '0' });
    await store.write([{ op: 'logBatch', run_id, metrics: values.map((value, i) => ({ key: `k${String(i).padStart(2, '0')}`, value, step: 0, timestamp: 1 })) }]);
    const latest = (await store.getRun(run_id)).data.metrics.map((m) => m.value);
    assert.deepEqual(latest, values, 'the latest values, read as JSON in the search query');
    const history = await Promise.all(values.map((_, i) => store.getMetricHistory(run_id, `k${String(i).padStart(2, '0')}`)));
    assert.deepEqual(history.map((h) => h.metrics[0].value), values, 'the series, read as float8');
  });

  it('refuses a database whose schema is newer than this cairn', async () => {
    const uri = await postgres.newDatabase();
    await (await PostgresTrackingStore.open({ uri })).close();
    await query(uri, "INSERT INTO cairn_migrations VALUES ('tracking', 99, 'future', 0)");
    await rejectsWith(PostgresTrackingStore.open({ uri }), 'INTEGRITY', /tracking schema is version 99, newer/);
  });
});

describe('postgresql tracking store under concurrent writers', () => {
  it('two writers logging one param with different values at once: one wins, the other gets CONFLICT and writes nothing', async (t) => {
    const uri = await postgres.newDatabase();
    const [a, b] = await Promise.all([PostgresTrackingStore.open({ uri }), PostgresTrackingStore.open({ uri })]);
    t.after(() => Promise.all([a.close(), b.close()]));
    for (let round = 0; round < 5; round++) {
      const { run_id } = await a.createRun({ experiment_id: '0' });
      const log = (store: PostgresTrackingStore, value: string) =>
        store.write([{ op: 'logBatch', run_id, params: [{ key: 'lr', value }], metrics: [{ key: `from-${value}`, value: 1, step: 0, timestamp: 1 }] }]);
      const results = await Promise.allSettled([log(a, '0.1'), log(b, '0.2')]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
      assert.equal(loser.code, 'CONFLICT');
      const run = await a.getRun(run_id);
      assert.equal(run.data.params.length, 1);
      assert.deepEqual(run.data.metrics.map((m) => m.key), [`from-${run.data.params[0].value}`], 'the losing batch wrote none of its metrics');
    }
  });
});
