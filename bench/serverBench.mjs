// Issue 8 measurements: `cairn server` driven over real HTTP (keep-alive connections, node's http client), each
// number beside MLflow 2.12's own server as measured on this 2-core machine with SQLite (the figures of issue 8).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { cairnBinPath, human, row, seedRuns } from './harness.mjs';

/** MLflow 2.12's server on this machine with SQLite (issue 8), and the issue's targets, in seconds. */
const MLFLOW = { logMetric: 0.003, batchPer1000: 1000 / 20_000, createRunFirstBatch: 0.009, search1k: 0.135 };
const TARGET = { logMetric: 0.0006, batchPer1000: 1000 / 200_000, createRunFirstBatch: 0.0015, search1k: 0.015, search100k: 0.3, concurrentRate: 100_000, concurrentP99: 0.05 };
const BASELINE = 'MLflow 2.12 server, SQLite (issue 8)';
/** A target as a ratio to MLflow's time, rounded for the table (0.6 ms / 3 ms = 0.2×). */
const ratio = (target, mlflow) => Math.round((target / mlflow) * 1000) / 1000;
const T0 = 1_700_000_000_000;

export async function benchServer(ctx, attempt) {
  const { dir, log } = ctx;
  const db = path.join(dir, 'server-tracking.db');
  const bigRuns = Math.max(2_000, Math.round(100_000 * ctx.scale));
  log(`server: seeding ${human(bigRuns)} runs straight into the store`);
  seedRuns(ctx, db, bigRuns);
  const backends = [{ section: 'server', uri: `sqlite://${db}`, bigRuns }];
  // BENCH_POSTGRES_URL (an empty database): the same measurements on PostgreSQL, but for the seeded 100k-run search.
  if (process.env.BENCH_POSTGRES_URL) backends.push({ section: 'server (PostgreSQL)', uri: process.env.BENCH_POSTGRES_URL, bigRuns: 0 });
  for (const backend of backends) {
    const server = await startCairnServer(ctx, backend.uri);
    const c = { ...ctx, section: backend.section };
    try {
      const client = httpClient(server.url, 64);
      await attempt(`${backend.section} log-metric`, () => benchLogMetric(c, client));
      await attempt(`${backend.section} log-batch`, () => benchLogBatch(c, client));
      await attempt(`${backend.section} create-run + first batch`, () => benchCreateRun(c, client));
      await attempt(`${backend.section} search`, () => benchSearch(c, client, backend.bigRuns));
      await attempt(`${backend.section} get-history`, () => benchHistory(c, client, server.pid));
      await attempt(`${backend.section} concurrent writers`, () => benchConcurrent(c, client));
      client.close();
    } finally {
      await server.stop();
    }
  }
}

/** `cairn server` on a free port over the backend `uri`; resolves once it prints its address. */
export function startCairnServer({ env, dir }, uri) {
  const child = spawn(process.execPath, [cairnBinPath(), 'server', '--port', '0', '--json', '--backend-store-uri', uri], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`cairn server did not start within 20 s: ${out}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`cairn server exited (${code}) before listening: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
      if (!line) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line);
      resolve({
        url,
        pid: child.pid,
        stop: () => new Promise((done) => {
          child.removeAllListeners('exit');
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

/** A keep-alive JSON client over node's http; `call` resolves with the status, the parsed body and the seconds taken. */
function httpClient(base, sockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(base);
  const call = (method, route, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const started = process.hrtime.bigint();
      const req = http.request(
        { agent, host: url.hostname, port: url.port, method, path: `/api/2.0/mlflow/${route}`, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) return reject(new Error(`${method} ${route}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
            resolve({ json: text ? JSON.parse(text) : {}, seconds, bytes: text.length });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { call, close: () => agent.destroy() };
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const median = (values) => quantile(values, 0.5);

async function newRun(client, experiment_id = '0') {
  return (await client.call('POST', 'runs/create', { experiment_id, start_time: Date.now() })).json.run.info.run_id;
}

const batchOf = (n, from = 0, key = 'loss') => Array.from({ length: n }, (_, i) => ({ key, value: 1 / (from + i + 1), timestamp: T0 + from + i, step: from + i }));

async function benchLogMetric({ section, scale, rows, log }, client) {
  const n = Math.max(500, Math.round(5_000 * scale));
  const run_id = await newRun(client);
  for (let i = 0; i < 200; i++) await client.call('POST', 'runs/log-metric', { run_id, key: 'warm', value: i, timestamp: T0, step: i });
  const times = [];
  for (let i = 0; i < n; i++) times.push((await client.call('POST', 'runs/log-metric', { run_id, key: 'loss', value: 1 / (i + 1), timestamp: T0 + i, step: i })).seconds);
  log(`server: log-metric p50 ${(median(times) * 1000).toFixed(2)} ms, p99 ${(quantile(times, 0.99) * 1000).toFixed(2)} ms`);
  rows.push(row({ section, name: `single log-metric, p50 of ${human(n)} (p99 ${(quantile(times, 0.99) * 1000).toFixed(2)} ms; target ≤ 0.6 ms)`, cairnSeconds: median(times), baseline: BASELINE, baselineSeconds: MLFLOW.logMetric, target: ratio(TARGET.logMetric, MLFLOW.logMetric), unit: 'ms' }));
}

async function benchLogBatch({ section, scale, rows, log }, client) {
  const batches = Math.max(50, Math.round(500 * scale));
  const run_id = await newRun(client);
  const bodies = Array.from({ length: batches }, (_, b) => ({ run_id, metrics: batchOf(1000, b * 1000) }));
  for (let i = 0; i < 5; i++) await client.call('POST', 'runs/log-batch', { run_id, metrics: batchOf(1000, 0, 'warm') });
  const started = process.hrtime.bigint();
  for (const body of bodies) await client.call('POST', 'runs/log-batch', body);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = Math.round((batches * 1000) / seconds);
  log(`server: log-batch ${human(rate)} metrics/s`);
  rows.push(row({ section, name: `log-batch of 1000 metrics, ${batches} in a row: ${human(rate)} metrics/s (target ≥ 200k/s); time per batch`, cairnSeconds: seconds / batches, baseline: BASELINE, baselineSeconds: MLFLOW.batchPer1000, target: ratio(TARGET.batchPer1000, MLFLOW.batchPer1000), unit: 'ms' }));
}

async function benchCreateRun({ section, scale, rows }, client) {
  const n = Math.max(100, Math.round(1_000 * scale));
  const times = [];
  for (let i = 0; i < n + 20; i++) {
    const started = process.hrtime.bigint();
    const run_id = await newRun(client);
    await client.call('POST', 'runs/log-batch', {
      run_id,
      metrics: batchOf(10),
      params: Array.from({ length: 10 }, (_, k) => ({ key: `p${k}`, value: String(k) })),
      tags: [{ key: 'mlflow.source.name', value: 'train.py' }, { key: 'mlflow.user', value: 'bench' }],
    });
    if (i >= 20) times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  rows.push(row({ section, name: `create-run + first batch (10 metrics, 10 params, 2 tags), median of ${n}`, cairnSeconds: median(times), baseline: BASELINE, baselineSeconds: MLFLOW.createRunFirstBatch, target: ratio(TARGET.createRunFirstBatch, MLFLOW.createRunFirstBatch), unit: 'ms' }));
}

async function benchSearch({ section, rows, log }, client, bigRuns) {
  const { experiment_id } = (await client.call('POST', 'experiments/create', { name: `search-${Date.now()}` })).json;
  log('server: 1,000 runs over HTTP for the search');
  for (let i = 0; i < 1000; i++) {
    const run_id = await newRun(client, experiment_id);
    await client.call('POST', 'runs/log-batch', {
      run_id,
      metrics: [{ key: 'acc', value: (i * 7919 % 1000) / 1000, timestamp: T0, step: 0 }, { key: 'loss', value: (i * 104729 % 1000) / 1000, timestamp: T0, step: 0 }],
      params: [{ key: 'opt', value: i % 3 ? 'adam' : 'sgd' }],
      tags: [{ key: 'team', value: `team-${i % 7}` }],
    });
  }
  const search = (experimentId) => client.call('POST', 'runs/search', { experiment_ids: [experimentId], filter: 'metrics.acc > 0.5', order_by: ['metrics.acc DESC'], max_results: 1000 });
  const times = async (experimentId, n) => {
    await search(experimentId);
    const out = [];
    let found = 0;
    for (let i = 0; i < n; i++) {
      const res = await search(experimentId);
      found = res.json.runs.length;
      out.push(res.seconds);
    }
    return { seconds: median(out), found };
  };
  const small = await times(experiment_id, 20);
  rows.push(row({ section, name: `runs/search over 1,000 runs, \`metrics.acc > 0.5\` by metrics.acc DESC (${small.found} runs back, median of 20)`, cairnSeconds: small.seconds, baseline: BASELINE, baselineSeconds: MLFLOW.search1k, target: ratio(TARGET.search1k, MLFLOW.search1k), unit: 'ms' }));
  if (!bigRuns) return;
  const big = await times('0', 5);
  rows.push(row({ section, name: `the same over ${human(bigRuns)} more runs (${big.found} runs back, max_results 1000, median of 5; target ≤ 300 ms)`, cairnSeconds: big.seconds, kind: 'absolute', target: TARGET.search100k, unit: 'ms' }));
}

async function benchHistory({ section, scale, rows, log }, client, pid) {
  const points = Math.max(20_000, Math.round(1_000_000 * scale));
  const run_id = await newRun(client);
  log(`server: ${human(points)} points of one metric for get-history`);
  for (let from = 0; from < points; from += 1000) await client.call('POST', 'runs/log-batch', { run_id, metrics: batchOf(Math.min(1000, points - from), from) });
  const before = peakRss(pid);
  const res = await client.call('GET', `metrics/get-history?run_id=${run_id}&metric_key=loss`);
  if (res.json.metrics.length !== points) throw new Error(`get-history returned ${res.json.metrics.length} points, not ${points}`);
  const grew = peakRss(pid) - before;
  const memory = Number.isFinite(grew) ? `, server peak memory +${Math.round(grew / 2 ** 20)} MiB for a ${Math.round(res.bytes / 2 ** 20)} MiB answer` : '';
  rows.push(row({ section, name: `get-history of ${human(points)} points, streamed${memory}`, cairnSeconds: res.seconds, kind: 'absolute' }));
}

/** The peak resident memory of a process in bytes (Linux), NaN elsewhere. */
function peakRss(pid) {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return NaN;
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function benchConcurrent({ section, scale, rows, log }, client) {
  const writers = 50;
  const perWriter = Math.max(1_000, Math.round(10_000 * scale));
  const batch = 100;
  const runIds = [];
  for (let w = 0; w < writers; w++) runIds.push(await newRun(client));
  const latencies = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    runIds.map(async (run_id) => {
      for (let from = 0; from < perWriter; from += batch) {
        latencies.push((await client.call('POST', 'runs/log-batch', { run_id, metrics: batchOf(Math.min(batch, perWriter - from), from) })).seconds);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const total = writers * perWriter;
  // Every point must have landed: count them back.
  let stored = 0;
  for (const run_id of runIds) stored += (await client.call('GET', `metrics/get-history?run_id=${run_id}&metric_key=loss`)).json.metrics.length;
  if (stored !== total) throw new Error(`${writers} writers logged ${total} points but ${stored} are stored`);
  const rate = Math.round(total / seconds);
  log(`server: ${writers} writers, ${human(rate)} metrics/s, p99 ${(quantile(latencies, 0.99) * 1000).toFixed(1)} ms`);
  rows.push(row({ section, name: `${writers} concurrent writers × ${human(perWriter)} points (batches of ${batch}): ${human(rate)} metrics/s (target ≥ 100k/s), all stored; wall time`, cairnSeconds: seconds, kind: 'absolute', target: total / TARGET.concurrentRate }));
  rows.push(row({ section, name: 'the same writers: p99 of one log-batch request', cairnSeconds: quantile(latencies, 0.99), kind: 'absolute', target: TARGET.concurrentP99, unit: 'ms' }));
}
