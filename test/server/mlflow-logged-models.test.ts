import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

const T0 = 1_700_000_000_000;

async function call(s: TestServer, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: Record<string, unknown>) {
  const res = await s.app.inject({ method, url: `/api/2.0/mlflow/${path}`, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, json: res.json() };
}

test('logged models: create (pending, m-<32 hex>, artifact location below the experiment), get, finalize, under /api and /ajax-api', async (t) => {
  const s = await startTestServer(t);
  const exp = (await s.api('experiments/create', { name: 'models' })).json.experiment_id;
  const run = (await s.api('runs/create', { experiment_id: exp })).json.run.info.run_id;
  const created = await call(s, 'POST', 'logged-models', {
    experiment_id: exp,
    name: 'clf',
    model_type: 'sklearn',
    source_run_id: run,
    params: [{ key: 'alpha', value: '0.5' }],
    tags: [{ key: 'stage', value: 'dev' }],
  });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const { info, data } = created.json.model;
  assert.match(info.model_id, /^m-[0-9a-f]{32}$/);
  assert.equal(info.artifact_uri, `mlflow-artifacts:/${exp}/models/${info.model_id}/artifacts`);
  assert.equal(info.status, 'LOGGED_MODEL_PENDING');
  assert.equal(info.name, 'clf');
  assert.equal(info.model_type, 'sklearn');
  assert.equal(info.source_run_id, run);
  assert.equal(info.experiment_id, exp);
  assert.equal(typeof info.creation_timestamp_ms, 'number');
  assert.deepEqual(info.tags, [{ key: 'stage', value: 'dev' }]);
  assert.deepEqual(data.params, [{ key: 'alpha', value: '0.5' }]);

  const got = await s.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/logged-models/${info.model_id}` });
  assert.deepEqual(got.json().model, created.json.model);
  const ready = await call(s, 'PATCH', `logged-models/${info.model_id}`, { model_id: info.model_id, status: 'LOGGED_MODEL_READY' });
  assert.equal(ready.status, 200, JSON.stringify(ready.json));
  assert.equal(ready.json.model.info.status, 'LOGGED_MODEL_READY');
  assert.equal((await call(s, 'PATCH', `logged-models/${info.model_id}`, { status: 3 })).json.model.info.status, 'LOGGED_MODEL_UPLOAD_FAILED', 'the protobuf number');
  assert.equal((await call(s, 'PATCH', `logged-models/${info.model_id}`, { status: 'DONE' })).status, 400);
  assert.equal((await call(s, 'PATCH', `logged-models/${info.model_id}`, {})).status, 400);

  const unnamed = (await call(s, 'POST', 'logged-models', { experiment_id: exp })).json.model.info;
  assert.match(unnamed.name, /^[a-z]+-[a-z]+-\d+$/);
});

test('logged models: error cases', async (t) => {
  const s = await startTestServer(t);
  assert.equal((await call(s, 'POST', 'logged-models', {})).status, 400);
  assert.equal((await call(s, 'POST', 'logged-models', { experiment_id: '77' })).status, 404);
  assert.equal((await call(s, 'POST', 'logged-models', { experiment_id: '0', name: 'a/b' })).status, 400);
  assert.equal((await call(s, 'POST', 'logged-models', { experiment_id: '0', source_run_id: 'e'.repeat(32) })).status, 404);
  assert.equal((await call(s, 'POST', 'logged-models', { experiment_id: '0', params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] })).status, 400);
  const gone = await call(s, 'GET', `logged-models/m-${'0'.repeat(32)}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  const deletedExp = (await s.api('experiments/create', { name: 'old' })).json.experiment_id;
  await s.api('experiments/delete', { experiment_id: deletedExp });
  assert.equal((await call(s, 'POST', 'logged-models', { experiment_id: deletedExp })).status, 400);
  assert.equal((await call(s, 'POST', 'logged-models/search', {})).status, 400, 'experiment_ids is required');
});

test('logged models: tags set and deleted, params immutable, delete hides the model', async (t) => {
  const s = await startTestServer(t);
  const id = (await call(s, 'POST', 'logged-models', { experiment_id: '0' })).json.model.info.model_id;
  assert.equal((await call(s, 'PATCH', `logged-models/${id}/tags`, { tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })).status, 200);
  await call(s, 'PATCH', `logged-models/${id}/tags`, { tags: [{ key: 'a', value: '3' }] });
  assert.equal((await call(s, 'DELETE', `logged-models/${id}/tags/b`)).status, 200);
  assert.deepEqual((await call(s, 'GET', `logged-models/${id}`)).json.model.info.tags, [{ key: 'a', value: '3' }]);
  const missingTag = await call(s, 'DELETE', `logged-models/${id}/tags/b`);
  assert.equal(missingTag.status, 404);
  assert.equal(missingTag.json.error_code, 'RESOURCE_DOES_NOT_EXIST');

  assert.equal((await call(s, 'POST', `logged-models/${id}/params`, { params: [{ key: 'lr', value: '0.1' }] })).status, 200);
  assert.equal((await call(s, 'POST', `logged-models/${id}/params`, { params: [{ key: 'lr', value: '0.1' }] })).status, 200);
  const changed = await call(s, 'POST', `logged-models/${id}/params`, { params: [{ key: 'lr', value: '0.2' }] });
  assert.equal(changed.status, 400);
  assert.equal(changed.json.error_code, 'INVALID_PARAMETER_VALUE');

  assert.equal((await call(s, 'DELETE', `logged-models/${id}`)).status, 200);
  assert.equal((await call(s, 'GET', `logged-models/${id}`)).status, 404);
  assert.equal((await call(s, 'PATCH', `logged-models/${id}/tags`, { tags: [{ key: 'x', value: 'y' }] })).status, 404);
  assert.equal((await call(s, 'DELETE', `logged-models/${id}`)).status, 404);
  assert.deepEqual((await call(s, 'POST', 'logged-models/search', { experiment_ids: ['0'] })).json.models, []);
});

test('logged models: metrics logged for a model with model_id; search filters, orders by metric per dataset, and pages', async (t) => {
  const s = await startTestServer(t);
  const run = (await s.api('runs/create', {})).json.run.info.run_id;
  const ids: string[] = [];
  for (const [i, name] of ['m0', 'm1', 'm2'].entries()) {
    const id = (await call(s, 'POST', 'logged-models', { experiment_id: '0', name, params: [{ key: 'depth', value: String(i) }] })).json.model.info.model_id;
    ids.push(id);
    const logged = await s.api('runs/log-metric', { run_id: run, key: 'acc', value: 0.5 + i / 10, timestamp: T0 + i, step: 0, model_id: id, dataset_name: 'eval', dataset_digest: 'd1' });
    assert.equal(logged.status, 200, JSON.stringify(logged.json));
    await s.api('runs/log-batch', { run_id: run, metrics: [{ key: 'acc', value: 0.9 - i / 10, timestamp: T0 + 10 + i, step: 0, model_id: id, dataset_name: 'test' }] });
  }
  const model = (await call(s, 'GET', `logged-models/${ids[1]}`)).json.model;
  assert.deepEqual(
    model.data.metrics.map((m: Record<string, unknown>) => [m.key, m.value, m.dataset_name, m.run_id, m.model_id]),
    [['acc', 0.6, 'eval', run, ids[1]], ['acc', 0.8, 'test', run, ids[1]]],
  );
  const names = async (body: Record<string, unknown>) => {
    const res = await call(s, 'POST', 'logged-models/search', { experiment_ids: ['0'], ...body });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json.models.map((m: { info: { name: string } }) => m.info.name);
  };
  assert.deepEqual(await names({}), ['m2', 'm1', 'm0'], 'newest first by default');
  assert.deepEqual(await names({ order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'eval' }] }), ['m2', 'm1', 'm0']);
  assert.deepEqual(await names({ order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'test' }] }), ['m0', 'm1', 'm2']);
  assert.deepEqual(await names({ filter: "params.depth != '1' AND name LIKE 'm%'", order_by: [{ field_name: 'name' }] }), ['m0', 'm2']);
  assert.deepEqual(await names({ filter: 'metrics.acc > 0.65', datasets: [{ dataset_name: 'eval' }], order_by: [{ field_name: 'creation_time', ascending: true }] }), ['m2']);
  assert.deepEqual(await names({ datasets: [{ dataset_name: 'nowhere' }] }), []);
  assert.equal((await call(s, 'POST', 'logged-models/search', { experiment_ids: ['0'], order_by: [{ field_name: 'flavor' }] })).status, 400);
  assert.equal((await call(s, 'POST', 'logged-models/search', { experiment_ids: ['0'], filter: 'colour = 1' })).status, 400);

  const first = await call(s, 'POST', 'logged-models/search', { experiment_ids: ['0'], max_results: 2 });
  assert.equal(first.json.models.length, 2);
  const second = await call(s, 'POST', 'logged-models/search', { experiment_ids: ['0'], max_results: 2, page_token: first.json.next_page_token });
  assert.deepEqual(second.json.models.map((m: { info: { name: string } }) => m.info.name), ['m0']);
  assert.equal(second.json.next_page_token, undefined);
  assert.equal((await s.api('runs/log-metric', { run_id: run, key: 'lost', value: 1, timestamp: T0, model_id: `m-${'9'.repeat(32)}` })).status, 404);
  assert.equal((await s.api('runs/log-batch', { run_id: run, metrics: [{ key: 'lost', value: 1, timestamp: T0, model_id: `m-${'9'.repeat(32)}` }] })).status, 404);
  assert.deepEqual((await s.api('metrics/get-history', { run_id: run, metric_key: 'lost' }, 'GET')).json.metrics, [], 'a point for an unknown model is not stored on the run either');
});

test('run outputs and model inputs show on the run (runs/outputs, log-inputs models), in get and search', async (t) => {
  const s = await startTestServer(t);
  const run = (await s.api('runs/create', {})).json.run.info.run_id;
  const produced = (await call(s, 'POST', 'logged-models', { experiment_id: '0', source_run_id: run })).json.model.info.model_id;
  const used = (await call(s, 'POST', 'logged-models', { experiment_id: '0' })).json.model.info.model_id;
  assert.equal((await s.api('runs/outputs', { run_id: run, models: [{ model_id: produced, step: 3 }] })).status, 200);
  assert.equal((await s.api('runs/log-inputs', { run_id: run, models: [{ model_id: used }] })).status, 200);
  const got = (await s.api('runs/get', { run_id: run }, 'GET')).json.run;
  assert.deepEqual(got.outputs, { model_outputs: [{ model_id: produced, step: 3 }] });
  assert.deepEqual(got.inputs.model_inputs, [{ model_id: used }]);
  const found = (await s.api('runs/search', { experiment_ids: ['0'] })).json.runs[0];
  assert.deepEqual(found.outputs, got.outputs);

  assert.equal((await s.api('runs/outputs', { run_id: run, models: [{ model_id: `m-${'1'.repeat(32)}` }] })).status, 404);
  assert.equal((await s.api('runs/outputs', { run_id: run, models: [{}] })).status, 400);
  assert.equal((await s.api('runs/outputs', { run_id: 'b'.repeat(32), models: [{ model_id: produced }] })).status, 404);
  await s.api('runs/delete', { run_id: run });
  assert.equal((await s.api('runs/outputs', { run_id: run, models: [{ model_id: produced }] })).status, 400, 'a deleted run takes no outputs');
  assert.equal((await s.api('runs/log-inputs', { run_id: run, models: [{ model_id: used }] })).status, 400);
  const plain = (await s.api('runs/create', {})).json.run.info.run_id;
  assert.equal((await s.api('runs/get', { run_id: plain }, 'GET')).json.run.outputs, undefined, 'no outputs field on a run without models');
});

test('a search page of more runs than one IN list holds still shows each run\'s models', async (t) => {
  const s = await startTestServer(t);
  const exp = (await s.api('experiments/create', { name: 'wide' })).json.experiment_id;
  const ids: string[] = [];
  for (let i = 0; i < 1100; i++) ids.push((await s.ctx.tracking.createRun({ experiment_id: exp, start_time: T0 + i })).run_id);
  const model = (await call(s, 'POST', 'logged-models', { experiment_id: exp })).json.model.info.model_id;
  // The oldest run comes last in the default order, in the second chunk.
  await s.api('runs/outputs', { run_id: ids[0], models: [{ model_id: model, step: 1 }] });
  const runs = (await s.api('runs/search', { experiment_ids: [exp], max_results: 2000 })).json.runs as Array<{ info: { run_id: string }; outputs?: unknown }>;
  assert.equal(runs.length, 1100);
  assert.deepEqual(runs.filter((r) => r.outputs).map((r) => r.info.run_id), [ids[0]]);
  assert.equal(runs.at(-1)!.info.run_id, ids[0]);
});

test('two servers on one database share logged models; the schema is migrated once', async (t) => {
  const a = await startTestServer(t);
  const file = path.join(a.dir, 'tracking.db');
  const b = await startTestServer(t, { backendUri: `sqlite://${file}` });
  const id = (await call(a, 'POST', 'logged-models', { experiment_id: '0', name: 'shared' })).json.model.info.model_id;
  assert.equal((await call(b, 'GET', `logged-models/${id}`)).json.model.info.name, 'shared');
  await call(b, 'PATCH', `logged-models/${id}`, { status: 'LOGGED_MODEL_READY' });
  assert.equal((await call(a, 'GET', `logged-models/${id}`)).json.model.info.status, 'LOGGED_MODEL_READY');
  const versions = await a.ctx.sql.all<{ version: number }>("SELECT version FROM cairn_migrations WHERE lineage = 'logged_models'");
  assert.deepEqual(versions.map((v) => v.version), [1]);
});
