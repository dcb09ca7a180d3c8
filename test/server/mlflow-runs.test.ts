import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

const T0 = 1_700_000_000_000;

async function newRun(s: TestServer, body: Record<string, unknown> = {}): Promise<string> {
  const res = await s.api('runs/create', { experiment_id: '0', start_time: T0, ...body });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.run.info.run_id;
}

test('runs/create answers the run with run_id and run_uuid, numeric times, and the name in run_name and mlflow.runName', async (t) => {
  const s = await startTestServer(t);
  const res = await s.api('runs/create', { experiment_id: '0', run_name: 'first', user_id: 'ada', start_time: T0, tags: [{ key: 'team', value: 'x' }] });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const { info, data } = res.json.run;
  assert.match(info.run_id, /^[0-9a-f]{32}$/);
  assert.equal(info.run_uuid, info.run_id);
  assert.equal(info.run_name, 'first');
  assert.equal(info.user_id, 'ada');
  assert.equal(info.status, 'RUNNING');
  assert.equal(info.start_time, T0);
  assert.equal(info.end_time, undefined, 'an unset end time is left out, as protobuf does');
  assert.equal(info.lifecycle_stage, 'active');
  assert.match(info.artifact_uri, new RegExp(`${info.run_id}/artifacts$`));
  assert.deepEqual(data.tags, [{ key: 'mlflow.runName', value: 'first' }, { key: 'team', value: 'x' }]);

  const got = (await s.api('runs/get', { run_id: info.run_id }, 'GET')).json.run;
  assert.deepEqual(got.info, info);
  assert.deepEqual(got.data.tags, data.tags);
  assert.equal((await s.api('runs/get', { run_uuid: info.run_id }, 'GET')).status, 200, 'MLflow 1 clients send run_uuid');

  const fromTag = (await s.api('runs/create', { tags: [{ key: 'mlflow.runName', value: 'tagged' }] })).json.run;
  assert.equal(fromTag.info.run_name, 'tagged');
  assert.equal(fromTag.info.experiment_id, '0', 'no experiment: Default');
  const named = (await s.api('runs/create', {})).json.run.info.run_name;
  assert.match(named, /^[a-z]+-[a-z]+-\d+$/, 'a generated name, as MLflow gives');
  const clash = await s.api('runs/create', { run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] });
  assert.equal(clash.status, 400);
});

test('runs: bad and unknown ids are RESOURCE_DOES_NOT_EXIST; missing fields INVALID_PARAMETER_VALUE', async (t) => {
  const s = await startTestServer(t);
  for (const run_id of ['0'.repeat(32), 'not-a-run']) {
    const res = await s.api('runs/get', { run_id }, 'GET');
    assert.equal(res.status, 404, run_id);
    assert.equal(res.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal((await s.api('runs/log-metric', { run_id, key: 'm', value: 1, timestamp: T0 })).status, 404);
  }
  const malformed = await s.api('runs/get', { run_id: 'not-a-run' }, 'GET');
  assert.equal(malformed.json.cairn.code, 'USAGE', 'cairn\'s own code is the store\'s, so its HTTP client raises the same error');
  assert.equal((await s.api('runs/create', { experiment_id: '999' })).status, 404);
  const unknown = 'e'.repeat(32);
  const writes: Array<[string, Record<string, unknown>]> = [
    ['runs/update', { status: 'FINISHED' }],
    ['runs/delete', {}],
    ['runs/restore', {}],
    ['runs/log-parameter', { key: 'k', value: 'v' }],
    ['runs/set-tag', { key: 'k', value: 'v' }],
    ['runs/delete-tag', { key: 'k' }],
    ['runs/log-batch', { metrics: [{ key: 'm', value: 1, timestamp: T0 }] }],
    ['runs/log-inputs', { datasets: [{ dataset: { name: 'd', digest: 'x' } }] }],
    ['runs/log-model', { model_json: JSON.stringify({ artifact_path: 'm', flavors: {}, utc_time_created: 'now', run_id: unknown }) }],
  ];
  for (const [route, body] of writes) {
    const res = await s.api(route, { run_id: unknown, ...body });
    assert.equal(res.status, 404, `${route}: ${JSON.stringify(res.json)}`);
    assert.equal(res.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  }
  const id = await newRun(s);
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['runs/get', {}, /'run_id'/],
    ['runs/log-metric', { run_id: id, value: 1, timestamp: T0 }, /'key'/],
    ['runs/log-metric', { run_id: id, key: 'm', timestamp: T0 }, /'value'/],
    ['runs/log-metric', { run_id: id, key: 'm', value: 1 }, /'timestamp'/],
    ['runs/log-metric', { run_id: id, key: 'm', value: 'high', timestamp: T0 }, /'value'/],
    ['runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: T0, step: 1.5 }, /'step'/],
    ['runs/log-parameter', { run_id: id, value: 'v' }, /'key'/],
    ['runs/set-tag', { run_id: id, value: 'v' }, /'key'/],
    ['runs/delete-tag', { run_id: id }, /'key'/],
    ['runs/update', { run_id: id, status: 'DONE' }, /status/],
    ['runs/log-batch', { run_id: id, metrics: [{ key: 'm', value: 1 }] }, /metrics\[0\]\.timestamp/],
    ['runs/log-batch', { run_id: id, metrics: 'lots' }, /'metrics'/],
    ['runs/log-model', { run_id: id }, /'model_json'/],
    ['runs/log-model', { run_id: id, model_json: '{bad' }, /not a valid JSON/],
    ['runs/log-model', { run_id: id, model_json: '{"artifact_path": "m"}' }, /missing mandatory fields: flavors, utc_time_created, run_id/],
    ['runs/log-inputs', { run_id: id, datasets: [{ dataset: { name: 'd' } }] }, /digest/],
  ];
  for (const [route, body, message] of cases) {
    const res = await s.api(route, body, route === 'runs/get' ? 'GET' : 'POST');
    assert.equal(res.status, 400, `${route} ${JSON.stringify(body)}: ${JSON.stringify(res.json)}`);
    assert.equal(res.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(res.json.message, message);
  }
  const badKey = await s.api('runs/log-metric', { run_id: id, key: '../up', value: 1, timestamp: T0 });
  assert.equal(badKey.status, 400);
});

test('runs/update sets status, end time and name (mlflow.runName follows) and answers run_info', async (t) => {
  const s = await startTestServer(t);
  const id = await newRun(s, { run_name: 'before' });
  const res = await s.api('runs/update', { run_id: id, status: 'FINISHED', end_time: T0 + 5000, run_name: 'after' });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.run_info.status, 'FINISHED');
  assert.equal(res.json.run_info.end_time, T0 + 5000);
  assert.equal(res.json.run_info.run_name, 'after');
  const run = (await s.api('runs/get', { run_id: id }, 'GET')).json.run;
  assert.equal(run.data.tags.find((t: { key: string }) => t.key === 'mlflow.runName').value, 'after');
  await s.api('runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'by-tag' });
  assert.equal((await s.api('runs/get', { run_id: id }, 'GET')).json.run.info.run_name, 'by-tag', 'the tag moves run_name too');
});

test('metrics: NaN and ±Infinity go in as numbers or protobuf strings and come back as protobuf strings', async (t) => {
  const s = await startTestServer(t);
  const id = await newRun(s);
  const values: Array<[unknown, number | string]> = [['NaN', 'NaN'], ['Infinity', 'Infinity'], ['-Infinity', '-Infinity'], [1.5, 1.5], ['2.5', 2.5], [-0.25, -0.25]];
  for (const [i, [value]] of values.entries()) {
    const res = await s.api('runs/log-metric', { run_id: id, key: 'v', value, timestamp: T0 + i, step: i });
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }
  const history = await s.api('metrics/get-history', { run_id: id, metric_key: 'v' }, 'GET');
  assert.deepEqual(history.json.metrics.map((m: { value: unknown }) => m.value), values.map(([, out]) => out));
  const batch = await s.api('runs/log-batch', { run_id: id, metrics: [{ key: 'w', value: 'NaN', timestamp: T0, step: 0 }] });
  assert.equal(batch.status, 200);
  const run = (await s.api('runs/get', { run_id: id }, 'GET')).json.run;
  const latest = Object.fromEntries(run.data.metrics.map((m: { key: string; value: unknown }) => [m.key, m.value]));
  assert.deepEqual(latest, { v: -0.25, w: 'NaN' });
});

test('params are immutable: the same value again is fine, another is INVALID_PARAMETER_VALUE and the batch stores nothing', async (t) => {
  const s = await startTestServer(t);
  const id = await newRun(s);
  assert.equal((await s.api('runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })).status, 200);
  assert.equal((await s.api('runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' })).status, 200);
  const changed = await s.api('runs/log-parameter', { run_id: id, key: 'lr', value: '0.2' });
  assert.equal(changed.status, 400);
  assert.equal(changed.json.error_code, 'INVALID_PARAMETER_VALUE');
  const batch = await s.api('runs/log-batch', {
    run_id: id,
    metrics: [{ key: 'loss', value: 1, timestamp: T0, step: 0 }],
    params: [{ key: 'lr', value: '0.3' }],
    tags: [{ key: 'note', value: 'x' }],
  });
  assert.equal(batch.status, 400);
  assert.equal(batch.json.error_code, 'INVALID_PARAMETER_VALUE');
  const run = (await s.api('runs/get', { run_id: id }, 'GET')).json.run;
  assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
  assert.deepEqual(run.data.metrics, [], 'a refused batch stores none of its entries');
  assert.equal(run.data.tags.some((t: { key: string }) => t.key === 'note'), false);
});

test('log-batch: MLflow\'s limits of 1000 metrics, 100 params, 100 tags and 1000 entries in all', async (t) => {
  const s = await startTestServer(t);
  const id = await newRun(s);
  const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: T0, step: i }));
  const kv = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ key: `${p}${i}`, value: 'v' }));
  assert.equal((await s.api('runs/log-batch', { run_id: id, metrics: metrics(1000) })).status, 200);
  for (const body of [{ metrics: metrics(1001) }, { params: kv(101, 'p') }, { tags: kv(101, 't') }, { metrics: metrics(950), params: kv(51, 'p') }]) {
    const res = await s.api('runs/log-batch', { run_id: id, ...body });
    assert.equal(res.status, 400, JSON.stringify(Object.keys(body)));
    assert.equal(res.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(res.json.message, /at most/);
  }
  const history = await s.api('metrics/get-history', { run_id: id, metric_key: 'm' }, 'GET');
  assert.equal(history.json.metrics.length, 1000);
  const mixed = await s.api('runs/log-batch', { run_id: id, params: [{ key: 'n', value: 3 }], tags: [{ key: 'k', value: 'v' }] });
  assert.equal(mixed.status, 200, 'a number as a param value is taken as its text');
  assert.deepEqual((await s.api('runs/get', { run_id: id }, 'GET')).json.run.data.params, [{ key: 'n', value: '3' }]);
});

test('set-tag, delete-tag (a missing tag is RESOURCE_DOES_NOT_EXIST), delete and restore, deleted runs refuse writes', async (t) => {
  const s = await startTestServer(t);
  const id = await newRun(s);
  await s.api('runs/set-tag', { run_id: id, key: 'k', value: 'v' });
  assert.equal((await s.api('runs/delete-tag', { run_id: id, key: 'k' })).status, 200);
  const again = await s.api('runs/delete-tag', { run_id: id, key: 'k' });
  assert.equal(again.status, 404);
  assert.equal(again.json.error_code, 'RESOURCE_DOES_NOT_EXIST');

  assert.equal((await s.api('runs/delete', { run_id: id })).status, 200);
  assert.equal((await s.api('runs/get', { run_id: id }, 'GET')).json.run.info.lifecycle_stage, 'deleted');
  assert.equal((await s.api('runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: T0 })).status, 400);
  assert.equal((await s.api('runs/delete', { run_id: 'f'.repeat(32) })).status, 404);
  assert.equal((await s.api('runs/restore', { run_id: id })).status, 200);
  assert.equal((await s.api('runs/get', { run_id: id }, 'GET')).json.run.info.lifecycle_stage, 'active');
});

test('log-inputs records datasets with their tags; log-model appends to mlflow.log-model.history', async (t) => {
  const s = await startTestServer(t);
  const id = await newRun(s);
  const dataset = { name: 'mnist', digest: 'abc123', source_type: 'local', source: 'data/mnist', schema: '{"x":1}' };
  const logged = await s.api('runs/log-inputs', { run_id: id, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }] });
  assert.equal(logged.status, 200, JSON.stringify(logged.json));
  const run = (await s.api('runs/get', { run_id: id }, 'GET')).json.run;
  assert.deepEqual(run.inputs.dataset_inputs, [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }]);

  const model = (path: string) => JSON.stringify({ artifact_path: path, run_id: id, utc_time_created: '2024-01-01 00:00:00.000000', flavors: { sklearn: { version: '1', config: { big: true } } }, signature: { inputs: '[]' } });
  assert.equal((await s.api('runs/log-model', { run_id: id, model_json: model('model') })).status, 200);
  assert.equal((await s.api('runs/log-model', { run_id: id, model_json: model('model2') })).status, 200);
  const tags = (await s.api('runs/get', { run_id: id }, 'GET')).json.run.data.tags;
  const history = JSON.parse(tags.find((t: { key: string }) => t.key === 'mlflow.log-model.history').value);
  assert.deepEqual(history.map((m: { artifact_path: string }) => m.artifact_path), ['model', 'model2']);
  assert.equal(history[0].signature, undefined, 'as MLflow, the signature is not kept in the tag');
  assert.deepEqual(history[0].flavors, { sklearn: { version: '1' } });
});

test('log-model: models logged at once for one run are all kept in the history tag', async (t) => {
  // A store whose reads take a while (as over the network to PostgreSQL), so concurrent calls really interleave.
  const s = await startTestServer(t, {
    configure: (ctx) => {
      const store = ctx.tracking;
      ctx.tracking = new Proxy(store, {
        get: (target, prop) =>
          prop === 'getRun'
            ? async (runId: string) => {
                const run = await target.getRun(runId);
                await new Promise((resolve) => setTimeout(resolve, 5));
                return run;
              }
            : Reflect.get(target, prop, target),
      });
    },
  });
  const id = await newRun(s);
  const model = (path: string) => JSON.stringify({ artifact_path: path, run_id: id, utc_time_created: '2024-01-01 00:00:00.000000', flavors: {} });
  const together = await Promise.all(['a', 'b', 'c', 'd'].map((p) => s.api('runs/log-model', { run_id: id, model_json: model(p) })));
  assert.deepEqual(together.map((r) => r.status), [200, 200, 200, 200]);
  const tags = (await s.api('runs/get', { run_id: id }, 'GET')).json.run.data.tags;
  const all = JSON.parse(tags.find((t: { key: string }) => t.key === 'mlflow.log-model.history').value);
  assert.deepEqual(all.map((m: { artifact_path: string }) => m.artifact_path).sort(), ['a', 'b', 'c', 'd']);
});

test('runs/search: the shared grammar with OR and parentheses, != matching runs without the tag, order_by, views and page tokens', async (t) => {
  const s = await startTestServer(t);
  const exp = (await s.api('experiments/create', { name: 'search' })).json.experiment_id;
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const id = await newRun(s, { experiment_id: exp, run_name: `r${i}`, start_time: T0 + i });
    ids.push(id);
    await s.api('runs/log-batch', {
      run_id: id,
      metrics: [{ key: 'acc', value: i / 10, timestamp: T0, step: 0 }],
      params: [{ key: 'opt', value: i % 2 ? 'adam' : 'sgd' }],
      tags: i < 3 ? [{ key: 'team', value: 'a' }] : [],
    });
  }
  const names = async (body: Record<string, unknown>) => {
    const res = await s.api('runs/search', { experiment_ids: [exp], ...body });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json.runs.map((r: { info: { run_name: string } }) => r.info.run_name);
  };
  assert.deepEqual(await names({ filter: "metrics.acc > 0.25 and params.opt = 'adam'", order_by: ['metrics.acc DESC'] }), ['r5', 'r3']);
  assert.deepEqual(await names({ filter: "(params.opt = 'sgd' and metrics.acc < 0.1) or tags.team = 'zzz' or attributes.run_name = 'r5'", order_by: ['attributes.run_name'] }), ['r0', 'r5']);
  assert.deepEqual(await names({ filter: "tags.team != 'a'", order_by: ['attributes.start_time ASC'] }), ['r3', 'r4', 'r5'], 'runs without the tag match !=');
  assert.deepEqual(await names({}), ['r5', 'r4', 'r3', 'r2', 'r1', 'r0'], 'default order: start_time DESC');

  const paged: string[] = [];
  let token: string | undefined;
  do {
    const res = await s.api('runs/search', { experiment_ids: [exp], max_results: 4, order_by: ['metrics.acc ASC'], ...(token ? { page_token: token } : {}) });
    paged.push(...res.json.runs.map((r: { info: { run_name: string } }) => r.info.run_name));
    token = res.json.next_page_token;
  } while (token);
  assert.deepEqual(paged, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);

  await s.api('runs/delete', { run_id: ids[0] });
  assert.deepEqual(await names({ run_view_type: 'DELETED_ONLY' }), ['r0']);
  assert.equal((await names({ run_view_type: 'ALL' })).length, 6);
  assert.equal((await s.api('runs/search', { experiment_ids: [Number(exp)] })).json.runs.length, 5, 'an experiment id sent as a number');
  assert.equal((await s.api('runs/search', { experiment_ids: [{}] })).status, 400);
  assert.equal((await names({})).length, 5);

  const bad = await s.api('runs/search', { experiment_ids: [exp], filter: 'metrics.acc >' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error_code, 'INVALID_PARAMETER_VALUE');
  assert.equal((await s.api('runs/search', { experiment_ids: [exp], max_results: 50001 })).status, 400);
  assert.equal((await s.api('runs/search', { experiment_ids: [exp], page_token: 'nope' })).status, 400);
  const full = (await s.api('runs/search', { experiment_ids: [exp], filter: "attributes.run_name = 'r1'" })).json.runs[0];
  assert.deepEqual(full.data.params, [{ key: 'opt', value: 'adam' }]);
  assert.deepEqual(full.data.metrics, [{ key: 'acc', value: 0.1, timestamp: T0, step: 0 }]);
});
