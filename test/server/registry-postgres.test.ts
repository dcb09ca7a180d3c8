import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startPostgres } from '../helpers/postgres.js';
import { startTestServer } from '../helpers/server.js';

const postgres = await startPostgres({ after });

test('the registry endpoints work the same on a PostgreSQL backend: create, versions, alias, stage, search, rename, delete', async (t) => {
  const server = await startTestServer(t, { backendUri: await postgres.newDatabase() });
  assert.equal((await server.api('registered-models/create', { name: 'cats', tags: [{ key: 'team', value: 'vision' }] })).status, 200);
  assert.equal((await server.api('registered-models/create', { name: 'cats' })).json.error_code, 'RESOURCE_ALREADY_EXISTS');
  const run = await server.ctx.tracking.createRun({ experiment_id: '0' });
  const created = await Promise.all(
    Array.from({ length: 6 }, (_, i) => server.api('model-versions/create', { name: 'cats', source: i === 0 ? `runs:/${run.run_id}/model` : `s3://b/${i}` })),
  );
  assert.deepEqual(created.map((r) => Number(r.json.model_version.version)).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
  const first = created.find((r) => r.json.model_version.source.startsWith('runs:/'))!.json.model_version.version;
  assert.equal((await server.api('model-versions/get-download-uri', { name: 'cats', version: first }, 'GET')).json.artifact_uri, `${run.artifact_uri.replace(/\/+$/, '')}/model`);
  assert.equal((await server.api('registered-models/alias', { name: 'cats', alias: 'champion', version: '3' })).status, 200);
  assert.equal((await server.api('registered-models/alias', { name: 'cats', alias: 'champion' }, 'GET')).json.model_version.version, '3');
  await server.api('model-versions/transition-stage', { name: 'cats', version: '2', stage: 'Production', archive_existing_versions: false });
  await server.api('model-versions/transition-stage', { name: 'cats', version: '4', stage: 'Production', archive_existing_versions: true });
  assert.equal((await server.api('model-versions/get', { name: 'cats', version: '2' }, 'GET')).json.model_version.current_stage, 'Archived');
  const found = await server.api('model-versions/search', { filter: "name = 'cats' and version_number >= 5.5", order_by: 'version_number ASC' }, 'GET');
  assert.deepEqual(found.json.model_versions.map((v: { version: string }) => v.version), ['6']);
  assert.deepEqual((await server.api('registered-models/search', { filter: "tags.team ILIKE 'VIS%'" }, 'GET')).json.registered_models.map((m: { name: string }) => m.name), ['cats']);
  assert.equal((await server.api('registered-models/rename', { name: 'cats', new_name: 'felines' })).json.registered_model.aliases[0].alias, 'champion');
  assert.equal((await server.api('registered-models/delete', { name: 'felines' }, 'DELETE')).status, 200);
  assert.deepEqual((await server.api('model-versions/search', {}, 'GET')).json.model_versions, []);
});
