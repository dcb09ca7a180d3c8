import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function model(server: TestServer, name = 'cats'): Promise<void> {
  assert.equal((await server.api('registered-models/create', { name })).status, 200);
}

async function version(server: TestServer, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await server.api('model-versions/create', body);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.model_version;
}

test('model-versions/create registers a run\'s model: version "1", READY, and its download URI is the run\'s artifacts', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  const run = await server.ctx.tracking.createRun({ experiment_id: '0', run_name: 'train' });
  const v = await version(server, {
    name: 'cats',
    source: `runs:/${run.run_id}/model`,
    run_id: run.run_id,
    run_link: 'http://ui/run',
    description: 'first',
    tags: [{ key: 'validated', value: 'no' }],
  });
  assert.equal(v.version, '1');
  assert.equal(v.status, 'READY');
  assert.equal(v.current_stage, 'None');
  assert.equal(v.source, `runs:/${run.run_id}/model`, 'the source is kept as given');
  assert.equal(v.run_id, run.run_id);
  assert.equal(v.run_link, 'http://ui/run');
  assert.deepEqual(v.tags, [{ key: 'validated', value: 'no' }]);
  const uri = await server.api('model-versions/get-download-uri', { name: 'cats', version: '1' }, 'GET');
  assert.equal(uri.status, 200);
  assert.equal(uri.json.artifact_uri, `${run.artifact_uri.replace(/\/+$/, '')}/model`);

  const withoutRunId = await version(server, { name: 'cats', source: `runs:/${run.run_id}/other` });
  assert.equal(withoutRunId.run_id, run.run_id, 'a runs:/ source gives the version its run');
  await server.api('model-versions/delete', { name: 'cats', version: withoutRunId.version }, 'DELETE');
  await version(server, { name: 'cats', source: 's3://bucket/cats/2' });
  assert.equal((await server.api('model-versions/get-download-uri', { name: 'cats', version: '3' }, 'GET')).json.artifact_uri, 's3://bucket/cats/2');
  assert.equal((await server.api('registered-models/get', { name: 'cats' }, 'GET')).json.registered_model.latest_versions[0].version, '3');
});

test('model-versions/create refuses a missing model, a missing source and a runs:/ source of an unknown run', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  const noModel = await server.api('model-versions/create', { name: 'dogs', source: 's3://b/x' });
  assert.equal(noModel.status, 404);
  assert.equal(noModel.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  const noSource = await server.api('model-versions/create', { name: 'cats' });
  assert.equal(noSource.status, 400);
  assert.match(noSource.json.message, /'source'/);
  const unknownRun = await server.api('model-versions/create', { name: 'cats', source: `runs:/${'a'.repeat(32)}/model` });
  assert.equal(unknownRun.status, 404);
  assert.match(unknownRun.json.message, /does not have/);
  const badTag = await server.api('model-versions/create', { name: 'cats', source: 's3://b/x', tags: [{ key: 'k', value: 7 }] });
  assert.equal(badTag.status, 400);
  assert.deepEqual((await server.api('model-versions/search', {}, 'GET')).json.model_versions, [], 'no version was created');
});

test('twenty concurrent model-versions/create calls get the numbers 1 to 20, each once', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => server.api('model-versions/create', { name: 'cats', source: `s3://b/${i}` })));
  assert.ok(results.every((r) => r.status === 200));
  assert.deepEqual(results.map((r) => Number(r.json.model_version.version)).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
});

test('model-versions/get answers a version by name and number; a missing one is 404, a bad number 400', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  await version(server, { name: 'cats', source: 's3://b/1' });
  const res = await server.api('model-versions/get', { name: 'cats', version: '1' }, 'GET');
  assert.equal(res.status, 200);
  assert.equal(res.json.model_version.name, 'cats');
  const missing = await server.api('model-versions/get', { name: 'cats', version: '2' }, 'GET');
  assert.equal(missing.status, 404);
  assert.match(missing.json.message, /Model Version \(name=cats, version=2\) not found/);
  const bad = await server.api('model-versions/get', { name: 'cats', version: 'latest' }, 'GET');
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /must be an integer/);
  assert.equal((await server.api('model-versions/get', { name: 'cats' }, 'GET')).status, 400);
});

test('model-versions/update (PATCH) changes the description', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  await version(server, { name: 'cats', source: 's3://b/1' });
  const res = await server.api('model-versions/update', { name: 'cats', version: '1', description: 'better' }, 'PATCH');
  assert.equal(res.status, 200);
  assert.equal(res.json.model_version.description, 'better');
  assert.equal((await server.api('model-versions/update', { name: 'cats', version: '5', description: 'x' }, 'PATCH')).status, 404);
});

test('model-versions/transition-stage moves a version, archiving the others in the stage when asked', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  for (let i = 1; i <= 3; i++) await version(server, { name: 'cats', source: `s3://b/${i}` });
  const move = (v: string, stage: string, archive: boolean) =>
    server.api('model-versions/transition-stage', { name: 'cats', version: v, stage, archive_existing_versions: archive });
  const first = await move('1', 'Production', false);
  assert.equal(first.status, 200);
  assert.equal(first.json.model_version.current_stage, 'Production');
  await move('2', 'production', false);
  await move('3', 'Production', true);
  const stages = await Promise.all(['1', '2', '3'].map(async (v) => (await server.api('model-versions/get', { name: 'cats', version: v }, 'GET')).json.model_version.current_stage));
  assert.deepEqual(stages, ['Archived', 'Archived', 'Production']);
  const noArchiveFlag = await server.api('model-versions/transition-stage', { name: 'cats', version: '1', stage: 'Staging' });
  assert.equal(noArchiveFlag.status, 200, 'archive_existing_versions defaults to false');

  for (const [body, message] of [
    [{ name: 'cats', version: '1', stage: 'Live', archive_existing_versions: false }, /Invalid Model Version stage: Live/],
    [{ name: 'cats', version: '1', stage: 'Archived', archive_existing_versions: true }, /not an Active stage/],
    [{ name: 'cats', version: '1' }, /'stage'/],
    [{ name: 'cats', version: '1', stage: 'Staging', archive_existing_versions: 'yes' }, /archive_existing_versions/],
  ] as const) {
    const res = await server.api('model-versions/transition-stage', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(res.json.message, message);
  }
  assert.equal((await move('9', 'Staging', false)).status, 404);
});

test('model-versions/delete removes a version and its aliases; its number is not given out again', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  await version(server, { name: 'cats', source: 's3://b/1' });
  await version(server, { name: 'cats', source: 's3://b/2' });
  await server.api('registered-models/alias', { name: 'cats', alias: 'champion', version: '2' });
  const res = await server.api('model-versions/delete', { name: 'cats', version: '2' }, 'DELETE');
  assert.equal(res.status, 200);
  assert.equal((await server.api('model-versions/get', { name: 'cats', version: '2' }, 'GET')).status, 404);
  assert.deepEqual((await server.api('registered-models/get', { name: 'cats' }, 'GET')).json.registered_model.aliases, []);
  assert.equal((await version(server, { name: 'cats', source: 's3://b/3' })).version, '3');
  assert.equal((await server.api('model-versions/delete', { name: 'cats', version: '2' }, 'DELETE')).status, 404);
  const byQuery = await server.app.inject({ method: 'DELETE', url: '/api/2.0/mlflow/model-versions/delete?name=cats&version=1' });
  assert.equal(byQuery.statusCode, 200);
});

test('model-versions/search filters by name, run_id, source_path and tags, newest first, page by page', async (t) => {
  const server = await startTestServer(t);
  await model(server, 'cats');
  await model(server, 'dogs');
  await version(server, { name: 'cats', source: 's3://b/cats/1', run_id: 'r1', tags: [{ key: 'ok', value: 'yes' }] });
  await version(server, { name: 'dogs', source: 's3://b/dogs/1', run_id: 'r2' });
  await version(server, { name: 'cats', source: 'file:///m/cats/2', run_id: 'r2' });
  const found = async (query: Record<string, string>) => {
    const res = await server.api('model-versions/search', query, 'GET');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json.model_versions.map((v: { name: string; version: string }) => `${v.name}/${v.version}`);
  };
  assert.deepEqual(await found({ filter: "name='cats'" }), ['cats/2', 'cats/1']);
  assert.deepEqual(await found({ filter: "run_id = 'r2'" }), ['cats/2', 'dogs/1']);
  assert.deepEqual(await found({ filter: "source_path LIKE 's3://%'" }), ['dogs/1', 'cats/1']);
  assert.deepEqual(await found({ filter: "tags.ok = 'yes' or name = 'dogs'" }), ['dogs/1', 'cats/1']);
  assert.deepEqual(await found({ filter: "name = 'cats'", order_by: 'version_number ASC' }), ['cats/1', 'cats/2']);
  const page = await server.api('model-versions/search', { max_results: '2' }, 'GET');
  assert.equal(page.json.model_versions.length, 2);
  const rest = await server.api('model-versions/search', { max_results: '2', page_token: page.json.next_page_token }, 'GET');
  assert.deepEqual(rest.json.model_versions.map((v: { version: string; name: string }) => `${v.name}/${v.version}`), ['cats/1']);
  assert.equal(rest.json.next_page_token, undefined);
  const bad = await server.api('model-versions/search', { filter: "run_id = r2" }, 'GET');
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /quoted string/);
});

test('model-versions/set-tag and delete-tag change a version\'s tags', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  await version(server, { name: 'cats', source: 's3://b/1' });
  assert.equal((await server.api('model-versions/set-tag', { name: 'cats', version: '1', key: 'validated', value: 'yes' })).status, 200);
  const tags = async () => (await server.api('model-versions/get', { name: 'cats', version: '1' }, 'GET')).json.model_version.tags;
  assert.deepEqual(await tags(), [{ key: 'validated', value: 'yes' }]);
  assert.equal((await server.api('model-versions/delete-tag', { name: 'cats', version: '1', key: 'validated' }, 'DELETE')).status, 200);
  assert.deepEqual(await tags(), []);
  assert.equal((await server.api('model-versions/set-tag', { name: 'cats', version: '2', key: 'k', value: 'v' })).status, 404);
  const badKey = await server.api('model-versions/set-tag', { name: 'cats', version: '1', key: 'a//b', value: 'v' });
  assert.equal(badKey.status, 400);
  assert.equal((await server.api('model-versions/delete-tag', { name: 'cats', version: '1' }, 'DELETE')).status, 400);
});

test('get-download-uri of a missing version is 404', async (t) => {
  const server = await startTestServer(t);
  await model(server);
  const res = await server.api('model-versions/get-download-uri', { name: 'cats', version: '1' }, 'GET');
  assert.equal(res.status, 404);
  assert.equal(res.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
});
