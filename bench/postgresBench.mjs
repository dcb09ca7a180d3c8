// Issue 8's store numbers on PostgreSQL, side by side with the SQLite store in the same run: the built stores measured
// in this process (no HTTP: bench/server measures the server), on a throw-away cluster started by the tests' helper.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, human, row } from './harness.mjs';

/** The built code being measured: the snapshot run.mjs made, else the working tree's dist/. */
function distModule(dir, rel) {
  const snap = path.join(dir, 'cairn-build', 'dist', rel);
  return pathToFileURL(existsSync(snap) ? snap : path.join(ROOT, 'dist', rel)).href;
}

/** Median of `runs` timings (milliseconds) of an async step, after one untimed warm-up. */
async function medianMs(runs, fn) {
  await fn(-1);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function benchPostgres(ctx, attempt) {
  // The cluster helper is the tests' TypeScript module: tsx loads it here.
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  const { hasPostgres, startPostgres } = await import(pathToFileURL(path.join(ROOT, 'test', 'helpers', 'postgres.ts')).href);
  unregister();
  if (!hasPostgres()) {
    ctx.log('postgres: PostgreSQL is not installed (bash scripts/setup.sh test installs it), skipped');
    return;
  }
  const stops = [];
  try {
    const cluster = await startPostgres({ after: (fn) => stops.push(fn) });
    const { PostgresTrackingStore } = await import(distModule(ctx.dir, 'tracking/postgres/postgresTrackingStore.js'));
    const { SqliteTrackingStore } = await import(distModule(ctx.dir, 'tracking/sqlite/sqliteTrackingStore.js'));
    let n = 0;
    const stores = {
      postgres: async () => PostgresTrackingStore.open({ uri: await cluster.newDatabase() }),
      sqlite: async () => SqliteTrackingStore.open({ file: path.join(ctx.dir, `pg-bench-${++n}.db`) }),
    };
    await attempt('postgres: logging', () => benchLogging(ctx, stores));
    await attempt('postgres: search', () => benchSearch(ctx, stores));
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

async function benchLogging({ rows, log, scale }, stores) {
  const batches = Math.max(20, Math.round(200 * scale));
  const result = {};
  for (const [name, open] of Object.entries(stores)) {
    const store = await open();
    try {
      log(`postgres: ${name}: ${batches} log-batches of 1,000 metrics, single log-metric, create-run + first batch`);
      const { run_id } = await store.createRun({ experiment_id: '0' });
      const batch = (b) => Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: Math.random(), step: (b + 1) * 1000 + i, timestamp: Date.now() }));
      const batchMs = await medianMs(batches, (b) => store.write([{ op: 'logBatch', run_id, metrics: batch(b) }]));
      const singleMs = await medianMs(batches * 5, (i) => store.write([{ op: 'logBatch', run_id, metrics: [{ key: 'loss', value: i, step: i + 1, timestamp: Date.now() }] }]));
      const createMs = await medianMs(batches, async () => {
        const info = await store.createRun({ experiment_id: '0' });
        await store.write([{ op: 'logBatch', run_id: info.run_id, metrics: batch(0).slice(0, 100), params: [{ key: 'lr', value: '0.1' }] }]);
      });
      result[name] = { batchMs, singleMs, createMs };
    } finally {
      await store.close();
    }
  }
  const { postgres: pg, sqlite } = result;
  rows.push(row({ section: 'postgres', name: `log-batch of 1,000 metrics on PostgreSQL, median (${human(Math.round(1e6 / pg.batchMs))} metrics/s; target 200k/s)`, cairnSeconds: pg.batchMs / 1000, kind: 'absolute', target: 1000 / 200_000 }));
  rows.push(row({ section: 'postgres', name: 'the same log-batch', cairnSeconds: pg.batchMs / 1000, baseline: 'the SQLite store', baselineSeconds: sqlite.batchMs / 1000 }));
  rows.push(row({ section: 'postgres', name: 'single log-metric on PostgreSQL, p50 (target 0.6 ms)', cairnSeconds: pg.singleMs / 1000, kind: 'absolute', target: 0.0006 }));
  rows.push(row({ section: 'postgres', name: 'the same single log-metric', cairnSeconds: pg.singleMs / 1000, baseline: 'the SQLite store', baselineSeconds: sqlite.singleMs / 1000 }));
  rows.push(row({ section: 'postgres', name: 'create-run + first batch (100 metrics, 1 param) on PostgreSQL, median (target 1.5 ms)', cairnSeconds: pg.createMs / 1000, kind: 'absolute', target: 0.0015 }));
  rows.push(row({ section: 'postgres', name: 'the same create-run + first batch', cairnSeconds: pg.createMs / 1000, baseline: 'the SQLite store', baselineSeconds: sqlite.createMs / 1000 }));
}

async function benchSearch({ rows, log, scale }, stores) {
  const count = Math.max(200, Math.round(1000 * scale));
  const filter = "metrics.acc > 0.9 and params.opt = 'adam'";
  const result = {};
  for (const [name, open] of Object.entries(stores)) {
    const store = await open();
    try {
      log(`postgres: ${name}: seeding ${human(count)} runs, then searching with a metric filter and order`);
      for (let i = 0; i < count; i++) {
        const { run_id } = await store.createRun({ experiment_id: '0', run_name: `run-${i}`, start_time: 1e12 + i * 1000 });
        await store.write([{
          op: 'logBatch',
          run_id,
          metrics: [{ key: 'acc', value: ((i * 7919) % 1000) / 1000, step: 0, timestamp: 1 }, { key: 'loss', value: ((i * 104729) % 1000) / 1000, step: 0, timestamp: 1 }],
          params: [{ key: 'opt', value: i % 3 ? 'adam' : 'sgd' }, { key: 'lr', value: String(10 ** -(i % 4)) }],
          tags: [{ key: 'team', value: `team-${i % 7}` }],
        }]);
      }
      let found = 0;
      const ms = await medianMs(10, async () => {
        found = (await store.searchRuns({ filter, order_by: ['metrics.acc DESC'] })).runs.length;
      });
      result[name] = { ms, found };
    } finally {
      await store.close();
    }
  }
  if (result.postgres.found !== result.sqlite.found) throw new Error(`the searches disagree: ${result.postgres.found} runs on PostgreSQL, ${result.sqlite.found} on SQLite`);
  const what = `search over ${human(count)} runs, \`${filter}\` ordered by metrics.acc DESC (${result.postgres.found} runs, whole)`;
  rows.push(row({ section: 'postgres', name: `${what} on PostgreSQL, median of 10 (target 15 ms)`, cairnSeconds: result.postgres.ms / 1000, kind: 'absolute', target: 0.015 }));
  rows.push(row({ section: 'postgres', name: 'the same search', cairnSeconds: result.postgres.ms / 1000, baseline: 'the SQLite store', baselineSeconds: result.sqlite.ms / 1000 }));
}
