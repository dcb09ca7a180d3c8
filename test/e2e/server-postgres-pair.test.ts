import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { tempDir, testEnv } from '../helpers/cli.js';
import { startPostgres } from '../helpers/postgres.js';
import { spawnServer } from '../helpers/serverProcess.js';

/** One MLflow call against a server's URL; fails the test on an error status. */
async function call(url: string, route: string, body: Record<string, unknown>, method: 'GET' | 'POST' = 'POST'): Promise<any> {
  const target = new URL(`api/2.0/mlflow/${route}`, url);
  if (method === 'GET') for (const [k, v] of Object.entries(body)) target.searchParams.set(k, String(v));
  const res = await fetch(target, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  assert.equal(res.status, 200, `${route}: ${JSON.stringify(json)}`);
  return json;
}

test('two cairn servers started at once on one PostgreSQL migrate once and serve at once what the other wrote', async (t) => {
  const pg = await startPostgres(t);
  const db = await pg.newDatabase();
  const dir = tempDir();
  t.after(dir.cleanup);
  const env = testEnv(dir.dir);
  // One bucket for both, as behind a load balancer: a shared folder destination.
  const args = ['--backend-store-uri', db, '--artifacts-destination', path.join(dir.dir, 'artifacts')];
  const [a, b] = await Promise.all([spawnServer(t, { args, cwd: dir.dir, env }), spawnServer(t, { args, cwd: dir.dir, env })]);

  const { experiment_id } = await call(a.url, 'experiments/create', { name: 'shared' });
  assert.equal((await call(b.url, 'experiments/get', { experiment_id }, 'GET')).experiment.name, 'shared');

  const { run } = await call(b.url, 'runs/create', { experiment_id, run_name: 'from-b' });
  const runId = run.info.run_id;
  const metrics = Array.from({ length: 500 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), step, timestamp: 1000 + step }));
  await call(b.url, 'runs/log-batch', { run_id: runId, metrics, params: [{ key: 'lr', value: '0.01' }] });
  const history = await call(a.url, 'metrics/get-history', { run_id: runId, metric_key: 'loss' }, 'GET');
  assert.equal(history.metrics.length, 500, 'A serves every point B just wrote');
  assert.equal((await call(a.url, 'runs/get', { run_id: runId }, 'GET')).run.data.params[0].value, '0.01');

  // A param is immutable across instances too: B wrote it, A refuses another value.
  const changed = await fetch(new URL('api/2.0/mlflow/runs/log-parameter', a.url), { method: 'POST', body: JSON.stringify({ run_id: runId, key: 'lr', value: '0.1' }) });
  assert.equal(changed.status, 400);
  assert.equal(((await changed.json()) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');

  // An artifact uploaded through one instance downloads through the other.
  const artifactPath = `${experiment_id}/${runId}/artifacts/model.txt`;
  const put = await fetch(new URL(`api/2.0/mlflow-artifacts/artifacts/${artifactPath}`, a.url), { method: 'PUT', body: 'weights v1' });
  assert.equal(put.status, 200, await put.text());
  const got = await fetch(new URL(`api/2.0/mlflow-artifacts/artifacts/${artifactPath}`, b.url));
  assert.equal(await got.text(), 'weights v1');

  // The registry is shared: a model registered on A has its version on B.
  await call(a.url, 'registered-models/create', { name: 'spam-filter' });
  await call(b.url, 'model-versions/create', { name: 'spam-filter', source: `runs:/${runId}/model.txt`, run_id: runId });
  const latest = await call(a.url, 'registered-models/get-latest-versions', { name: 'spam-filter' });
  assert.equal(latest.model_versions[0].version, '1');

  assert.equal(await a.stop(), 0);
  assert.equal(await b.stop(), 0);
});
