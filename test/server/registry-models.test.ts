import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A model with versions 1 and 2, for the cases that need some. */
async function seed(server: TestServer, name = 'cats'): Promise<void> {
  assert.equal((await server.api('registered-models/create', { name })).status, 200);
  for (const source of ['s3://b/1', 's3://b/2']) assert.equal((await server.api('model-versions/create', { name, source })).status, 200);
}

test('registered-models/create answers the model in MLflow\'s shape; a second create of the name is RESOURCE_ALREADY_EXISTS', async (t) => {
  const server = await startTestServer(t);
  const res = await server.api('registered-models/create', { name: 'cats', description: 'finds cats', tags: [{ key: 'team', value: 'vision' }] });
  assert.equal(res.status, 200);
  const model = res.json.registered_model;
  assert.equal(model.name, 'cats');
  assert.equal(model.description, 'finds cats');
  assert.deepEqual(model.tags, [{ key: 'team', value: 'vision' }]);
  assert.deepEqual([model.latest_versions, model.aliases], [[], []]);
  assert.equal(typeof model.creation_timestamp, 'number');
  assert.equal(model.last_updated_timestamp, model.creation_timestamp);

  const again = await server.api('registered-models/create', { name: 'cats' });
  assert.equal(again.status, 400);
  assert.equal(again.json.error_code, 'RESOURCE_ALREADY_EXISTS');
  assert.match(again.json.message, /Registered Model \(name=cats\) already exists/);
  assert.equal(again.json.cairn.code, 'CONFLICT');
});

test('registered-models/create refuses bad input with INVALID_PARAMETER_VALUE and creates nothing', async (t) => {
  const server = await startTestServer(t);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /Missing value for required parameter 'name'/],
    [{ name: '' }, /Missing value for required parameter 'name'/],
    [{ name: ['a', 'b'] }, /parameter 'name'/],
    [{ name: 'cats', tags: 'team=vision' }, /parameter 'tags'/],
    [{ name: 'cats', tags: [{ key: 'team' }] }, /parameter 'tags\[0\]'/],
    [{ name: 'cats', tags: [{ key: '/abs', value: 'v' }] }, /tag key/],
  ];
  for (const [body, message] of cases) {
    const res = await server.api('registered-models/create', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(res.json.message, message);
  }
  assert.deepEqual((await server.api('registered-models/search', {}, 'GET')).json.registered_models, []);
});

test('registered-models/get finds a model by name (query string), 404 RESOURCE_DOES_NOT_EXIST otherwise', async (t) => {
  const server = await startTestServer(t);
  await seed(server);
  const res = await server.api('registered-models/get', { name: 'cats' }, 'GET');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.registered_model.latest_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]), [['2', 'None']]);
  const missing = await server.api('registered-models/get', { name: 'dogs' }, 'GET');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  assert.match(missing.json.message, /Registered Model with name=dogs not found/);
  assert.equal((await server.api('registered-models/get', {}, 'GET')).status, 400);
});

test('registered-models/rename carries the versions along; a taken name is refused', async (t) => {
  const server = await startTestServer(t);
  await seed(server);
  await server.api('registered-models/create', { name: 'dogs' });
  const res = await server.api('registered-models/rename', { name: 'cats', new_name: 'felines' });
  assert.equal(res.status, 200);
  assert.equal(res.json.registered_model.name, 'felines');
  assert.equal((await server.api('model-versions/get', { name: 'felines', version: '2' }, 'GET')).status, 200);
  assert.equal((await server.api('registered-models/get', { name: 'cats' }, 'GET')).status, 404);
  const taken = await server.api('registered-models/rename', { name: 'felines', new_name: 'dogs' });
  assert.equal(taken.status, 400);
  assert.equal(taken.json.error_code, 'RESOURCE_ALREADY_EXISTS');
  const noNew = await server.api('registered-models/rename', { name: 'felines' });
  assert.equal(noNew.status, 400);
  assert.match(noNew.json.message, /new_name/);
  assert.equal((await server.api('registered-models/rename', { name: 'nope', new_name: 'x' })).status, 404);
});

test('registered-models/update (PATCH) sets the description and the update time', async (t) => {
  const server = await startTestServer(t);
  const created = (await server.api('registered-models/create', { name: 'cats' })).json.registered_model;
  await new Promise((resolve) => setTimeout(resolve, 5));
  const res = await server.api('registered-models/update', { name: 'cats', description: 'now with dogs' }, 'PATCH');
  assert.equal(res.status, 200);
  assert.equal(res.json.registered_model.description, 'now with dogs');
  assert.ok(res.json.registered_model.last_updated_timestamp > created.last_updated_timestamp);
  assert.equal((await server.api('registered-models/update', { name: 'dogs', description: 'x' }, 'PATCH')).status, 404);
});

test('registered-models/delete removes the model and its versions, by JSON body or by query string', async (t) => {
  const server = await startTestServer(t);
  await seed(server, 'cats');
  await seed(server, 'dogs');
  const res = await server.api('registered-models/delete', { name: 'cats' }, 'DELETE');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, {});
  assert.equal((await server.api('registered-models/get', { name: 'cats' }, 'GET')).status, 404);
  assert.equal((await server.api('model-versions/get', { name: 'cats', version: '1' }, 'GET')).status, 404);
  const byQuery = await server.app.inject({ method: 'DELETE', url: '/api/2.0/mlflow/registered-models/delete?name=dogs' });
  assert.equal(byQuery.statusCode, 200);
  assert.deepEqual((await server.api('model-versions/search', {}, 'GET')).json.model_versions, []);
  const again = await server.api('registered-models/delete', { name: 'cats' }, 'DELETE');
  assert.equal(again.status, 404);
  assert.equal(again.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
});

test('registered-models/search filters with MLflow\'s syntax, orders, and pages with opaque tokens', async (t) => {
  const server = await startTestServer(t);
  for (const name of ['cats', 'catalog', 'dogs', 'birds', 'cattle']) await server.api('registered-models/create', { name, tags: name.startsWith('cat') ? [{ key: 'kind', value: 'cat' }] : [] });
  const names = (json: { registered_models: Array<{ name: string }> }) => json.registered_models.map((m) => m.name);
  const all = await server.api('registered-models/search', {}, 'GET');
  assert.equal(all.status, 200);
  assert.deepEqual(names(all.json), ['birds', 'catalog', 'cats', 'cattle', 'dogs']);
  assert.equal(all.json.next_page_token, undefined);
  assert.deepEqual(names((await server.api('registered-models/search', { filter: "name LIKE 'cat%' and name != 'cats'" }, 'GET')).json), ['catalog', 'cattle']);
  assert.deepEqual(names((await server.api('registered-models/search', { filter: "tags.kind = 'cat' or name = 'dogs'" }, 'GET')).json), ['catalog', 'cats', 'cattle', 'dogs']);

  // order_by repeated in the query string, as MLflow's clients send lists.
  const ordered = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/registered-models/search?order_by=name%20DESC&max_results=2' });
  assert.deepEqual(names(ordered.json()), ['dogs', 'cattle']);
  const token = ordered.json().next_page_token;
  assert.equal(typeof token, 'string');
  const next = await server.api('registered-models/search', { order_by: 'name DESC', max_results: '2', page_token: token }, 'GET');
  assert.deepEqual(names(next.json), ['cats', 'catalog']);

  for (const [query, message] of [
    [{ filter: "name = 'a' and" }, /bad filter/],
    [{ filter: 'metrics.acc > 1' }, /attributes and tags/],
    [{ max_results: 'many' }, /max_results/],
    [{ max_results: '5000' }, /1 to 1000/],
    [{ page_token: 'garbage' }, /page token/],
    [{ order_by: 'color' }, /unknown attribute/],
  ] as const) {
    const res = await server.api('registered-models/search', query, 'GET');
    assert.equal(res.status, 400, JSON.stringify(query));
    assert.equal(res.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(res.json.message, message);
  }
});

test('registered-models/get-latest-versions answers the newest version per stage, by POST and by GET', async (t) => {
  const server = await startTestServer(t);
  await seed(server);
  await server.api('model-versions/create', { name: 'cats', source: 's3://b/3' });
  await server.api('model-versions/transition-stage', { name: 'cats', version: '1', stage: 'Production', archive_existing_versions: false });
  await server.api('model-versions/transition-stage', { name: 'cats', version: '2', stage: 'staging', archive_existing_versions: false });
  const all = await server.api('registered-models/get-latest-versions', { name: 'cats' });
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.model_versions.map((v: { version: string }) => v.version), ['1', '2', '3']);
  const prod = await server.api('registered-models/get-latest-versions', { name: 'cats', stages: ['Production'] });
  assert.deepEqual(prod.json.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]), [['1', 'Production']]);
  const byGet = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/registered-models/get-latest-versions?name=cats&stages=Staging&stages=None' });
  assert.deepEqual(byGet.json().model_versions.map((v: { version: string }) => v.version), ['2', '3']);
  const bad = await server.api('registered-models/get-latest-versions', { name: 'cats', stages: ['Live'] });
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /Invalid Model Version stage: Live/);
  assert.equal((await server.api('registered-models/get-latest-versions', { name: 'dogs' })).status, 404);
});

test('registered-models/set-tag and delete-tag change the model\'s tags; an empty value is a value', async (t) => {
  const server = await startTestServer(t);
  await server.api('registered-models/create', { name: 'cats' });
  assert.equal((await server.api('registered-models/set-tag', { name: 'cats', key: 'team', value: 'vision' })).status, 200);
  assert.equal((await server.api('registered-models/set-tag', { name: 'cats', key: 'note', value: '' })).status, 200);
  const tags = async () => (await server.api('registered-models/get', { name: 'cats' }, 'GET')).json.registered_model.tags;
  assert.deepEqual(await tags(), [{ key: 'note', value: '' }, { key: 'team', value: 'vision' }]);
  assert.equal((await server.api('registered-models/delete-tag', { name: 'cats', key: 'team' }, 'DELETE')).status, 200);
  assert.deepEqual(await tags(), [{ key: 'note', value: '' }]);
  const noValue = await server.api('registered-models/set-tag', { name: 'cats', key: 'team' });
  assert.equal(noValue.status, 400);
  assert.match(noValue.json.message, /'value'/);
  assert.equal((await server.api('registered-models/set-tag', { name: 'dogs', key: 'k', value: 'v' })).status, 404);
  assert.equal((await server.api('registered-models/delete-tag', { name: 'dogs', key: 'k' }, 'DELETE')).status, 404);
});

test('registered-models/alias sets (POST), finds (GET) and deletes (DELETE) an alias, which moves between versions', async (t) => {
  const server = await startTestServer(t);
  await seed(server);
  assert.equal((await server.api('registered-models/alias', { name: 'cats', alias: 'champion', version: '1' })).status, 200);
  assert.equal((await server.api('registered-models/alias', { name: 'cats', alias: 'champion', version: 2 })).status, 200, 'a number version is read too');
  const found = await server.api('registered-models/alias', { name: 'cats', alias: 'champion' }, 'GET');
  assert.equal(found.status, 200);
  assert.equal(found.json.model_version.version, '2');
  assert.deepEqual(found.json.model_version.aliases, ['champion']);
  assert.deepEqual((await server.api('registered-models/get', { name: 'cats' }, 'GET')).json.registered_model.aliases, [{ alias: 'champion', version: '2' }]);
  assert.deepEqual((await server.api('model-versions/get', { name: 'cats', version: '1' }, 'GET')).json.model_version.aliases, []);

  assert.equal((await server.api('registered-models/alias', { name: 'cats', alias: 'champion' }, 'DELETE')).status, 200);
  const gone = await server.api('registered-models/alias', { name: 'cats', alias: 'champion' }, 'GET');
  assert.equal(gone.status, 400, 'MLflow answers a missing alias with INVALID_PARAMETER_VALUE');
  assert.equal(gone.json.error_code, 'INVALID_PARAMETER_VALUE');
  assert.equal(gone.json.cairn.code, 'NOT_FOUND', 'cairn\'s own client still sees NOT_FOUND');

  for (const [body, message] of [
    [{ name: 'cats', alias: 'latest', version: '1' }, /reserved/],
    [{ name: 'cats', alias: 'v2', version: '1' }, /reserved/],
    [{ name: 'cats', alias: 'in prod', version: '1' }, /Invalid alias name/],
    [{ name: 'cats', alias: 'champion', version: 'one' }, /must be an integer/],
    [{ name: 'cats', alias: 'champion' }, /'version'/],
  ] as const) {
    const res = await server.api('registered-models/alias', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.json.message, message);
  }
  const noVersion = await server.api('registered-models/alias', { name: 'cats', alias: 'champion', version: '9' });
  assert.equal(noVersion.status, 404);
  assert.match(noVersion.json.message, /Model Version \(name=cats, version=9\) not found/);
  assert.equal((await server.api('registered-models/alias', { name: 'dogs', alias: 'champion' }, 'GET')).status, 404);
});

test('the registry answers under /ajax-api/2.0/mlflow/ too, as MLflow\'s UI calls it', async (t) => {
  const server = await startTestServer(t);
  const res = await server.app.inject({ method: 'POST', url: '/ajax-api/2.0/mlflow/registered-models/create', payload: { name: 'cats' } });
  assert.equal(res.statusCode, 200);
  const got = await server.app.inject({ method: 'GET', url: '/ajax-api/2.0/mlflow/registered-models/get?name=cats' });
  assert.equal(got.json().registered_model.name, 'cats');
});
