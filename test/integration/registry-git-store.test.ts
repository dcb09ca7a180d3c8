import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chooseRegistry } from '../../src/cli/commands/server/chooseRegistry.js';
import { openRepo } from '../../src/core/repo.js';
import { GitTagRegistryStore } from '../../src/registry/git/gitTagRegistryStore.js';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { startTestServer } from '../helpers/server.js';

/** A cairn repository whose cairn.yaml declares the model `cats` (a tracked file), committed. */
async function catsRepo(t: { after(fn: () => void): void }) {
  const repo = tempGitRepo();
  t.after(() => repo.cleanup());
  assert.equal((await cairn(repo.dir, ['init', '-q'], repo.env)).code, 0);
  writeFileSync(path.join(repo.dir, 'cats.bin'), 'w1');
  writeFileSync(path.join(repo.dir, 'cairn.yaml'), 'artifacts:\n  cats:\n    path: cats.bin\n    type: model\n');
  assert.equal((await cairn(repo.dir, ['add', '-q', 'cats.bin'], repo.env)).code, 0);
  sh(repo.dir, 'git add -A && git commit -qm one', repo.env);
  return repo;
}

async function newCommit(repo: ReturnType<typeof tempGitRepo>, content: string) {
  writeFileSync(path.join(repo.dir, 'cats.bin'), content);
  assert.equal((await cairn(repo.dir, ['add', '-q', 'cats.bin'], repo.env)).code, 0);
  sh(repo.dir, 'git commit -qam next', repo.env);
}

test('the MLflow registry routes over Git tags: versions are SemVer tags, aliases are #alias#N tags', async (t) => {
  const repo = await catsRepo(t);
  // Tags written by the server come from the process's Git identity: give it the test's.
  for (const k of ['GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_CONFIG_NOSYSTEM', 'HOME'] as const) {
    const saved = process.env[k];
    process.env[k] = repo.env[k];
    t.after(() => (saved === undefined ? delete process.env[k] : (process.env[k] = saved)));
  }
  const server = await startTestServer(t, { configure: async (ctx) => { ctx.registry = new GitTagRegistryStore(await openRepo({ cwd: repo.dir, env: {} })); } });
  const tags = () => sh(repo.dir, 'git tag -l', repo.env).split('\n').filter(Boolean).sort();

  assert.equal((await server.api('registered-models/create', { name: 'cats' })).status, 200);
  assert.deepEqual(tags(), [], 'a model without versions has no tag yet');
  const runId = (await server.api('runs/create', { experiment_id: '0' })).json.run.info.run_id as string;
  let res = await server.api('model-versions/create', { name: 'cats', source: `runs:/${runId}/model`, run_id: runId });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.model_version.version, '1');
  assert.equal(res.json.model_version.source, `runs:/${runId}/model`);
  assert.deepEqual(tags(), ['cats@v0.0.1']);
  const message = sh(repo.dir, "git tag -l --format='%(contents)' cats@v0.0.1", repo.env);
  assert.match(message, new RegExp(`"run_id": "${runId}"`));
  assert.match(message, new RegExp(`"mlflow_source": "runs:/${runId}/model"`));

  res = await server.api('model-versions/create', { name: 'cats', source: 'cats.bin' });
  assert.equal(res.json.error_code, 'RESOURCE_ALREADY_EXISTS', 'one version per commit');
  assert.match(res.json.message, /already has version v0\.0\.1 of "cats"/);
  await newCommit(repo, 'w2');
  res = await server.api('model-versions/create', { name: 'cats', source: 'cats.bin', description: 'second' });
  assert.equal(res.json.model_version.version, '2');
  assert.equal(res.json.model_version.description, 'second');

  assert.equal((await server.api('registered-models/alias', { name: 'cats', alias: 'champion', version: '1' })).status, 200);
  assert.ok(tags().includes('cats#champion#1'));
  res = await server.api('registered-models/alias?name=cats&alias=champion', undefined, 'GET');
  assert.equal(res.json.model_version.version, '1');
  res = await server.api('model-versions/transition-stage', { name: 'cats', version: '2', stage: 'Production', archive_existing_versions: false });
  assert.equal(res.json.model_version.current_stage, 'Production');
  assert.ok(tags().includes('cats#production#2'));

  // The CLI reads the same registry.
  const shown = JSON.parse((await cairn(repo.dir, ['model', 'show', 'cats', '--json'], repo.env)).stdout);
  assert.deepEqual(shown.aliases, { champion: 'v0.0.1', production: 'v0.0.2' });

  res = await server.api('model-versions/set-tag', { name: 'cats', version: '2', key: 'validated', value: 'yes' });
  assert.equal(res.status, 200);
  res = await server.api('model-versions/get?name=cats&version=2', undefined, 'GET');
  assert.deepEqual(res.json.model_version.tags, [{ key: 'validated', value: 'yes' }]);
  assert.equal(sh(repo.dir, "git rev-parse 'cats@v0.0.2^{commit}'", repo.env), sh(repo.dir, 'git rev-parse HEAD', repo.env), 'the rewritten tag stays on its commit');

  res = await server.api('model-versions/search?filter=' + encodeURIComponent("name = 'cats' and tags.validated = 'yes'"), undefined, 'GET');
  assert.deepEqual(res.json.model_versions.map((v: { version: string }) => v.version), ['2']);
  res = await server.api('registered-models/search', {}, 'GET');
  assert.deepEqual(res.json.registered_models.map((m: { name: string }) => m.name), ['cats']);
  assert.deepEqual(res.json.registered_models[0].aliases, [{ alias: 'champion', version: '1' }, { alias: 'production', version: '2' }]);

  // Deleting a version deprecates it in Git; numbers never move.
  assert.equal((await server.api('model-versions/delete', { name: 'cats', version: '1' }, 'DELETE')).status, 200);
  assert.ok(tags().some((x) => /^cats@v0\.0\.1!#\d+$/.test(x)));
  assert.equal((await server.api('model-versions/get?name=cats&version=1', undefined, 'GET')).status, 404);
  assert.equal((await server.api('model-versions/get?name=cats&version=2', undefined, 'GET')).json.model_version.version, '2');
});

test('what Git tags cannot hold is a clear USAGE error, and changes no tag', async (t) => {
  const repo = await catsRepo(t);
  const store = new GitTagRegistryStore(await openRepo({ cwd: repo.dir, env: {} }));
  const before = sh(repo.dir, 'git tag -l', repo.env);
  const usage = async (p: Promise<unknown>, pattern: RegExp) => {
    await assert.rejects(p, (err: { code?: string; message?: string; hint?: string }) => err.code === 'USAGE' && pattern.test(`${err.message} ${err.hint}`));
  };
  await usage(store.createRegisteredModel({ name: 'cats', description: 'd' }), /description and tags cannot be kept in Git tags/);
  await usage(store.createRegisteredModel({ name: 'Cats' }), /not a valid model name/);
  await usage(store.renameRegisteredModel(), /renaming a model cannot be kept in Git tags/);
  await usage(store.setRegisteredModelTag(), /tags cannot be kept/);
  await store.createRegisteredModel({ name: 'dogs' });
  await usage(store.createModelVersion({ name: 'dogs', source: 's3://bucket/dogs' }), /versions files of the repository.*\n?.*declare the model in cairn\.yaml/s);
  assert.equal(sh(repo.dir, 'git tag -l', repo.env), before);
});

test('the server uses the Git-tag registry in a repository that declares artifacts, its database otherwise', async (t) => {
  const repo = await catsRepo(t);
  const withArtifacts = await openRepo({ cwd: repo.dir, env: {} });
  assert.ok((await chooseRegistry(undefined, withArtifacts)) instanceof GitTagRegistryStore);
  assert.equal(await chooseRegistry('db', withArtifacts), null);
  assert.equal(await chooseRegistry('auto', null), null);
  await assert.rejects(chooseRegistry('git', null), /--registry git needs a cairn repository/);
  await assert.rejects(chooseRegistry('sql', withArtifacts), /expected git, db or auto/);
  const plain = tempGitRepo();
  t.after(() => plain.cleanup());
  assert.equal((await cairn(plain.dir, ['init', '-q'], plain.env)).code, 0);
  assert.equal(await chooseRegistry('auto', await openRepo({ cwd: plain.dir, env: {} })), null);
});
