import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

const T0 = 1_700_000_000_000;

async function runWithSteps(s: TestServer, key: string, steps: number[]): Promise<string> {
  const id = (await s.api('runs/create', { experiment_id: '0' })).json.run.info.run_id;
  for (let i = 0; i < steps.length; i += 1000) {
    const metrics = steps.slice(i, i + 1000).map((step) => ({ key, value: step * 2, timestamp: T0 + step, step }));
    const res = await s.api('runs/log-batch', { run_id: id, metrics });
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }
  return id;
}

test('get-history pages with max_results and opaque tokens; errors are MLflow\'s', async (t) => {
  const s = await startTestServer(t);
  const id = await runWithSteps(s, 'loss', [0, 1, 2, 3, 4]);
  const steps: number[] = [];
  let token: string | undefined;
  do {
    const page = await s.api('metrics/get-history', { run_id: id, metric_key: 'loss', max_results: '2', ...(token ? { page_token: token } : {}) }, 'GET');
    assert.equal(page.status, 200, JSON.stringify(page.json));
    steps.push(...page.json.metrics.map((m: { step: number }) => m.step));
    token = page.json.next_page_token;
  } while (token);
  assert.deepEqual(steps, [0, 1, 2, 3, 4]);
  const all = await s.api('metrics/get-history', { run_uuid: id, metric_key: 'loss' }, 'GET');
  assert.deepEqual(all.json.metrics[1], { key: 'loss', value: 2, timestamp: T0 + 1, step: 1 });
  assert.equal(all.json.next_page_token, undefined);
  assert.deepEqual((await s.api('metrics/get-history', { run_id: id, metric_key: 'none' }, 'GET')).json, { metrics: [] });

  assert.equal((await s.api('metrics/get-history', { run_id: id }, 'GET')).status, 400);
  assert.equal((await s.api('metrics/get-history', { run_id: 'a'.repeat(32), metric_key: 'loss' }, 'GET')).status, 404);
  assert.equal((await s.api('metrics/get-history', { run_id: id, metric_key: 'loss', page_token: 'x' }, 'GET')).status, 400);
});

test('get-history streams a history larger than one store page as one valid JSON document', async (t) => {
  const s = await startTestServer(t);
  const n = 60_500;
  const id = (await s.api('runs/create', {})).json.run.info.run_id;
  // Straight through the store: 120 log-batch calls would only slow the test down.
  const metrics = Array.from({ length: n }, (_, step) => ({ key: 'x', value: step % 7 === 0 ? NaN : step, timestamp: T0, step }));
  await s.ctx.tracking.write([{ op: 'logBatch', run_id: id, metrics }]);
  const res = await fetch(new URL(`/api/2.0/mlflow/metrics/get-history?run_id=${id}&metric_key=x`, s.url));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(res.headers.get('content-length'), null, 'sent in chunks, not built whole first');
  const body = (await res.json()) as { metrics: Array<{ step: number; value: unknown }> };
  assert.equal(body.metrics.length, n);
  assert.deepEqual(body.metrics.slice(0, 2).map((m) => m.value), ['NaN', 1]);
  assert.ok(body.metrics.every((m, i) => m.step === i), 'every point once, in step order');
});

test('get-history-bulk-interval samples MLflow\'s way: evenly spaced steps plus the last, per run, with run_id on each point', async (t) => {
  const s = await startTestServer(t);
  const a = await runWithSteps(s, 'acc', Array.from({ length: 100 }, (_, i) => i));
  const b = await runWithSteps(s, 'acc', [0, 5, 10]);
  const url = (q: string) => `/api/2.0/mlflow/metrics/get-history-bulk-interval?${q}`;
  const res = await s.app.inject({ method: 'GET', url: url(`run_ids=${a}&run_ids=${b}&metric_key=acc&max_results=10`) });
  assert.equal(res.statusCode, 200, res.body);
  const metrics = res.json().metrics as Array<{ run_id: string; step: number; value: number; key: string; timestamp: number }>;
  assert.deepEqual(metrics.filter((m) => m.run_id === a).map((m) => m.step), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99]);
  assert.deepEqual(metrics.filter((m) => m.run_id === b).map((m) => m.step), [0, 5, 10]);
  assert.deepEqual(metrics[1], { key: 'acc', value: 20, timestamp: T0 + 10, step: 10, run_id: a });

  const ranged = await s.app.inject({ method: 'GET', url: url(`run_ids=${a}&metric_key=acc&start_step=20&end_step=29&max_results=5`) });
  assert.deepEqual(ranged.json().metrics.map((m: { step: number }) => m.step), [20, 22, 24, 26, 28, 29]);

  const errors: Array<[string, RegExp]> = [
    [`metric_key=acc`, /run_ids/],
    [`run_ids=${a}`, /metric_key/],
    [`run_ids=${a}&metric_key=acc&max_results=2501`, /between 1 and 2500/],
    [`run_ids=${a}&metric_key=acc&max_results=0`, /between 1 and 2500/],
    [`run_ids=${a}&metric_key=acc&start_step=3`, /both must be specified/],
    [`run_ids=${a}&metric_key=acc&start_step=9&end_step=3`, /greater than start_step/],
    [`${Array.from({ length: 101 }, () => `run_ids=${a}`).join('&')}&metric_key=acc`, /at most 100 run_ids/],
  ];
  for (const [q, message] of errors) {
    const bad = await s.app.inject({ method: 'GET', url: url(q) });
    assert.equal(bad.statusCode, 400, q);
    assert.equal(bad.json().error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(bad.json().message, message, q);
  }
  const unknown = await s.app.inject({ method: 'GET', url: url(`run_ids=${'c'.repeat(32)}&metric_key=acc`) });
  assert.equal(unknown.statusCode, 404);
});

test('artifacts/list lists one level of the run\'s artifacts, with sizes, root_uri and page tokens', async (t) => {
  const s = await startTestServer(t);
  const run = (await s.api('runs/create', {})).json.run.info;
  const oid = 'ab'.repeat(32);
  const paths = ['model/MLmodel', 'model/data/weights.bin', 'plots/loss.png', 'readme.txt'];
  await s.ctx.tracking.write([{ op: 'logArtifacts', run_id: run.run_id, artifacts: paths.map((path, i) => ({ path, oid, size: 10 + i })) }]);
  const list = async (query: Record<string, string>) => {
    const res = await s.api('artifacts/list', { run_id: run.run_id, ...query }, 'GET');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json;
  };
  const root = await list({});
  assert.equal(root.root_uri, run.artifact_uri);
  assert.deepEqual(root.files, [
    { path: 'model', is_dir: true },
    { path: 'plots', is_dir: true },
    { path: 'readme.txt', is_dir: false, file_size: 13 },
  ]);
  assert.deepEqual((await list({ path: 'model' })).files, [
    { path: 'model/MLmodel', is_dir: false, file_size: 10 },
    { path: 'model/data', is_dir: true },
  ]);
  assert.deepEqual((await list({ path: 'model/data/' })).files, [{ path: 'model/data/weights.bin', is_dir: false, file_size: 11 }]);
  assert.deepEqual((await list({ path: 'readme.txt' })).files, [], 'a file lists nothing');
  assert.deepEqual((await list({ path: 'nothing' })).files, []);

  const escape = await s.api('artifacts/list', { run_id: run.run_id, path: '../other' }, 'GET');
  assert.equal(escape.status, 400);
  assert.equal((await s.api('artifacts/list', { run_id: 'd'.repeat(32) }, 'GET')).status, 404);

  const many = Array.from({ length: 1001 }, (_, i) => ({ path: `many/f${String(i).padStart(4, '0')}`, oid, size: 1 }));
  await s.ctx.tracking.write([{ op: 'logArtifacts', run_id: run.run_id, artifacts: many }]);
  const first = await list({ path: 'many' });
  assert.equal(first.files.length, 1000);
  const second = await list({ path: 'many', page_token: first.next_page_token });
  assert.deepEqual(second.files, [{ path: 'many/f1000', is_dir: false, file_size: 1 }]);
  assert.equal(second.next_page_token, undefined);
});
