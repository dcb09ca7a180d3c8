import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '../helpers/server.js';

test('experiments: create, get, get-by-name, with tags as {key, value} lists, under /api and /ajax-api', async (t) => {
  const s = await startTestServer(t);
  const created = await s.api('experiments/create', { name: 'cats', tags: [{ key: 'team', value: 'vision' }] });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const id = created.json.experiment_id;
  assert.equal(typeof id, 'string');

  const got = await s.api('experiments/get', { experiment_id: id }, 'GET');
  assert.equal(got.status, 200);
  const e = got.json.experiment;
  assert.equal(e.name, 'cats');
  assert.equal(e.lifecycle_stage, 'active');
  assert.deepEqual(e.tags, [{ key: 'team', value: 'vision' }]);
  assert.equal(typeof e.creation_time, 'number');
  assert.equal(typeof e.last_update_time, 'number');
  assert.match(e.artifact_location, new RegExp(`${id}$`));

  const byName = await s.api('experiments/get-by-name', { experiment_name: 'cats' }, 'GET');
  assert.equal(byName.json.experiment.experiment_id, id);

  const ajax = await s.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/experiments/get?experiment_id=${id}` });
  assert.equal(ajax.json().experiment.name, 'cats');
});

test('experiments: the Default experiment "0" exists and cannot be deleted', async (t) => {
  const s = await startTestServer(t);
  const got = await s.api('experiments/get', { experiment_id: '0' }, 'GET');
  assert.equal(got.json.experiment.name, 'Default');
  const del = await s.api('experiments/delete', { experiment_id: '0' });
  assert.equal(del.status, 400);
  assert.equal(del.json.error_code, 'INVALID_PARAMETER_VALUE');
});

test('experiments: error cases answer MLflow codes and statuses', async (t) => {
  const s = await startTestServer(t);
  const missing = await s.api('experiments/create', {});
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error_code, 'INVALID_PARAMETER_VALUE');
  assert.match(missing.json.message, /'name'/);

  await s.api('experiments/create', { name: 'dup' });
  const dup = await s.api('experiments/create', { name: 'dup' });
  assert.equal(dup.status, 400);
  assert.equal(dup.json.error_code, 'RESOURCE_ALREADY_EXISTS');

  for (const id of ['12345', 'abc']) {
    const nf = await s.api('experiments/get', { experiment_id: id }, 'GET');
    assert.equal(nf.status, 404, id);
    assert.equal(nf.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  }
  const noName = await s.api('experiments/get-by-name', { experiment_name: 'nope' }, 'GET');
  assert.equal(noName.status, 404);
  assert.equal(noName.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  assert.equal((await s.api('experiments/get', {}, 'GET')).status, 400);
  assert.equal((await s.api('experiments/update', { experiment_id: '999', new_name: 'x' })).status, 404);
  assert.equal((await s.api('experiments/update', { experiment_id: '999' })).status, 404, 'even without a new name the experiment must exist');
  assert.equal((await s.api('experiments/delete', { experiment_id: '999' })).status, 404);
  assert.equal((await s.api('experiments/restore', { experiment_id: '999' })).status, 404);
  assert.equal((await s.api('experiments/set-experiment-tag', { experiment_id: '999', key: 'k', value: 'v' })).status, 404);
  const badKey = await s.api('experiments/set-experiment-tag', { experiment_id: '0', key: 'bad\u0000key', value: 'v' });
  assert.equal(badKey.status, 400);
  const notObject = await s.app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: '[1,2]', headers: { 'content-type': 'application/json' } });
  assert.equal(notObject.statusCode, 400);
  assert.match(notObject.json().message, /JSON object/);
});

test('experiments: update renames; a name in use is RESOURCE_ALREADY_EXISTS', async (t) => {
  const s = await startTestServer(t);
  const a = (await s.api('experiments/create', { name: 'a' })).json.experiment_id;
  await s.api('experiments/create', { name: 'b' });
  assert.equal((await s.api('experiments/update', { experiment_id: a, new_name: 'a2' })).status, 200);
  assert.equal((await s.api('experiments/get', { experiment_id: a }, 'GET')).json.experiment.name, 'a2');
  const clash = await s.api('experiments/update', { experiment_id: a, new_name: 'b' });
  assert.equal(clash.json.error_code, 'RESOURCE_ALREADY_EXISTS');
});

test('experiments: delete and restore move the lifecycle stage, and search views follow it', async (t) => {
  const s = await startTestServer(t);
  const id = (await s.api('experiments/create', { name: 'gone' })).json.experiment_id;
  await s.api('experiments/delete', { experiment_id: id });
  assert.equal((await s.api('experiments/get', { experiment_id: id }, 'GET')).json.experiment.lifecycle_stage, 'deleted');
  const names = async (body: Record<string, unknown>, method: 'GET' | 'POST' = 'POST') =>
    ((await s.api('experiments/search', body, method)).json.experiments as Array<{ name: string }>).map((e) => e.name).sort();
  assert.deepEqual(await names({}), ['Default']);
  assert.deepEqual(await names({ view_type: 'DELETED_ONLY' }), ['gone']);
  assert.deepEqual(await names({ view_type: 'ALL' }), ['Default', 'gone']);
  assert.deepEqual(await names({ view_type: '3' }, 'GET'), ['Default', 'gone'], 'the protobuf number of the view, from a query string');
  assert.equal((await s.api('experiments/search', { view_type: 'SOME' })).status, 400);
  await s.api('experiments/restore', { experiment_id: id });
  assert.deepEqual(await names({}), ['Default', 'gone']);
});

test('experiments: set and delete tags; deleting a missing tag is RESOURCE_DOES_NOT_EXIST', async (t) => {
  const s = await startTestServer(t);
  const id = (await s.api('experiments/create', { name: 'tagged' })).json.experiment_id;
  assert.equal((await s.api('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v1' })).status, 200);
  await s.api('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v2' });
  assert.deepEqual((await s.api('experiments/get', { experiment_id: id }, 'GET')).json.experiment.tags, [{ key: 'k', value: 'v2' }]);
  assert.equal((await s.api('experiments/delete-experiment-tag', { experiment_id: id, key: 'k' })).status, 200);
  assert.deepEqual((await s.api('experiments/get', { experiment_id: id }, 'GET')).json.experiment.tags, []);
  const again = await s.api('experiments/delete-experiment-tag', { experiment_id: id, key: 'k' });
  assert.equal(again.status, 404);
  assert.equal(again.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  assert.equal((await s.api('experiments/delete-experiment-tag', { experiment_id: id })).status, 400);
});

test('experiments: search filters, orders and pages with opaque tokens, by POST and by GET', async (t) => {
  const s = await startTestServer(t);
  for (const name of ['e1', 'e2', 'e3', 'e4', 'e5']) {
    await s.api('experiments/create', { name, tags: [{ key: 'even', value: String(Number(name[1]) % 2 === 0) }] });
  }
  const filtered = await s.api('experiments/search', { filter: "tags.even = 'true' OR name = 'e1'", order_by: ['name DESC'] });
  assert.deepEqual(filtered.json.experiments.map((e: { name: string }) => e.name), ['e4', 'e2', 'e1']);

  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await s.api('experiments/search', { filter: "name LIKE 'e%'", order_by: ['name ASC'], max_results: 2, ...(token ? { page_token: token } : {}) });
    assert.equal(page.status, 200, JSON.stringify(page.json));
    seen.push(...page.json.experiments.map((e: { name: string }) => e.name));
    token = page.json.next_page_token;
    pages++;
  } while (token);
  assert.deepEqual(seen, ['e1', 'e2', 'e3', 'e4', 'e5']);
  assert.equal(pages, 3);

  const viaGet = await s.app.inject({ method: 'GET', url: "/api/2.0/mlflow/experiments/search?max_results=2&order_by=name%20DESC&filter=name%20LIKE%20'e%25'" });
  assert.deepEqual(viaGet.json().experiments.map((e: { name: string }) => e.name), ['e5', 'e4']);
  assert.equal(typeof viaGet.json().next_page_token, 'string');

  const badToken = await s.api('experiments/search', { page_token: 'garbage!' });
  assert.equal(badToken.status, 400);
  const badFilter = await s.api('experiments/search', { filter: 'name = ' });
  assert.equal(badFilter.status, 400);
  assert.equal(badFilter.json.error_code, 'INVALID_PARAMETER_VALUE');
  const badMax = await s.api('experiments/search', { max_results: 'lots' });
  assert.equal(badMax.status, 400);
});
