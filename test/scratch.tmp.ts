import { startPostgres } from './helpers/postgres.js';
import { PostgresTrackingStore } from '../src/tracking/postgres/postgresTrackingStore.js';
const hooks: Array<() => unknown> = [];
const p = await startPostgres({ after: (f) => hooks.push(f) });
const store = await PostgresTrackingStore.open({ uri: await p.newDatabase() });
const { run_id } = await store.createRun({ experiment_id: '0' });
const batch = (b: number) => Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: Math.random(), step: (b + 1) * 1000 + i, timestamp: Date.now() }));
const time = async (label: string, fn: (i: number) => Promise<unknown>, n = 50) => {
  for (let i = 0; i < 5; i++) await fn(-i - 1);
  const ts: number[] = [];
  for (let i = 0; i < n; i++) { const s = process.hrtime.bigint(); await fn(i); ts.push(Number(process.hrtime.bigint() - s) / 1e6); }
  ts.sort((a, b) => a - b); console.log(label, ts[n >> 1].toFixed(2), 'ms');
};
await time('logBatch', (b) => store.write([{ op: 'logBatch', run_id, metrics: batch(b + 10) }]));
const pool = store.connection;
await pool.query('CREATE TABLE m2 (run BIGINT, key TEXT COLLATE "C", value float8, is_nan smallint, timestamp bigint, step bigint)');
const arrs = (b: number) => { const m = batch(b); return [m.map(x=>x.key), m.map(x=>x.value), m.map(()=>0), m.map(x=>x.timestamp), m.map(x=>x.step)]; };
await time('heap-only unnest', (b) => pool.query('INSERT INTO m2 SELECT 1, * FROM unnest($1::text[], $2::float8[], $3::smallint[], $4::bigint[], $5::bigint[])', arrs(b)));
await pool.query('CREATE TABLE m3 (run BIGINT, key TEXT COLLATE "C", value float8, is_nan smallint, timestamp bigint, step bigint, PRIMARY KEY (run, key, step, timestamp, value, is_nan))');
await time('pk unnest', (b) => pool.query('INSERT INTO m3 SELECT 1, * FROM unnest($1::text[], $2::float8[], $3::smallint[], $4::bigint[], $5::bigint[]) ON CONFLICT DO NOTHING', arrs(b + 100)));
await time('pk unnest no conflict clause', (b) => pool.query('INSERT INTO m3 SELECT 1, * FROM unnest($1::text[], $2::float8[], $3::smallint[], $4::bigint[], $5::bigint[])', arrs(b + 200)));
await time('select 1', () => pool.query('SELECT 1'));
const a = arrs(1);
await time('prepare only (params transfer)', () => pool.query('SELECT cardinality($1::text[]) + cardinality($2::float8[]) + cardinality($3::smallint[]) + cardinality($4::bigint[]) + cardinality($5::bigint[])', a));
await store.close();
for (const h of hooks) await h();
