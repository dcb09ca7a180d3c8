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

/** Tags the store writes take the process's Git identity (it runs git in-process): give it the test's, for this test. */
function useGitIdentity(t: { after(fn: () => void): void }, env: Record<string, string>): void {
  for (const k of ['GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_CONFIG_NOSYSTEM', 'HOME'] as const) {
    const saved = process.env[k];
    process.env[k] = env[k];
    t.after(() => (saved === undefined ? delete process.env[k] : (process.env[k] = saved)));
  }
}

async function newCommit(repo: ReturnType<typeof tempGitRepo>, content: string) {
  writeFileSync(path.join(repo.dir, 'cats.bin'), content);
  assert.equal((await cairn(repo.dir, ['add', '-q', 'cats.bin'], repo.env)).code, 0);
  sh(repo.dir, 'git commit -qam next', repo.env);
}

test('the MLflow registry routes over Git tags: versions are SemVer tags, aliases are #alias#N tags', async (t) => {
  const repo = await catsRepo(t);
  useGitIdentity(t, repo.env);
  const server = await startTestServer(t, {
    configure: async (ctx) => {
      ctx.registry = new GitTagRegistryStore(await openRepo({ cwd: repo.dir, env: {} }), { getRun: (id) => ctx.tracking.getRun(id) });
    },
  });
  const tags = () => sh(repo.dir, 'git tag -l', repo.env).split('\n').filter(Boolean).sort();

  assert.equal((await server.api('registered-models/create', { name: 'cats' })).status, 200);
  assert.deepEqual(tags(), [], 'a model without versions has no tag yet');
  const runId = (await server.api('runs/create', { experiment_id: '0' })).json.run.info.run_id as string;
  assert.equal((await server.api('runs/log-metric', { run_id: runId, key: 'accuracy', value: 0.95, timestamp: 1, step: 0 })).status, 200);
  let res = await server.api('model-versions/create', { name: 'cats', source: `runs:/${runId}/model`, run_id: runId });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.model_version.version, '1');
  assert.equal(res.json.model_version.source, `runs:/${runId}/model`);
  assert.deepEqual(tags(), ['cats@v0.0.1']);
  const message = sh(repo.dir, "git tag -l --format='%(contents)' cats@v0.0.1", repo.env);
  assert.match(message, new RegExp(`"run_id": "${runId}"`));
  assert.match(message, new RegExp(`"mlflow_source": "runs:/${runId}/model"`));
  // The run's metrics are the version's snapshot, so a CLI gate reads them.
  let gate = await cairn(repo.dir, ['model', 'promote', 'cats', 'v0.0.1', '--to', 'qa', '--if', 'metrics.accuracy > 0.99'], repo.env);
  assert.equal(gate.code, 14, gate.stderr);
  gate = await cairn(repo.dir, ['model', 'promote', 'cats', 'v0.0.1', '--to', 'qa', '--if', 'metrics.accuracy > 0.9'], repo.env);
  assert.equal(gate.code, 0, gate.stderr);

  res = await server.api('model-versions/create', { name: 'cats', source: 'cats.bin' });
  assert.equal(res.json.error_code, 'RESOURCE_ALREADY_EXISTS', 'one version per commit');
  assert.match(res.json.message, /already has version v0\.0\.1 of "cats"/);
  await newCommit(repo, 'w2');
  res = await server.api('model-versions/create', { name: 'cats', source: 'cats.bin', description: 'second' });
  assert.equal(res.json.model_version.version, '2');
  assert.equal(res.json.model_version.description, 'second');

  assert.equal((await server.api('registered-models/alias', { name: 'cats', alias: 'champion', version: '1' })).status, 200);
  assert.ok(tags().includes('cats#champion#2'));
  res = await server.api('registered-models/alias?name=cats&alias=champion', undefined, 'GET');
  assert.equal(res.json.model_version.version, '1');
  res = await server.api('model-versions/transition-stage', { name: 'cats', version: '2', stage: 'Production', archive_existing_versions: false });
  assert.equal(res.json.model_version.current_stage, 'Production');
  assert.ok(tags().includes('cats#production#3'));

  // The CLI reads the same registry.
  const shown = JSON.parse((await cairn(repo.dir, ['model', 'show', 'cats', '--json'], repo.env)).stdout);
  assert.deepEqual(shown.aliases, { champion: 'v0.0.1', production: 'v0.0.2', qa: 'v0.0.1' });

  res = await server.api('model-versions/set-tag', { name: 'cats', version: '2', key: 'validated', value: 'yes' });
  assert.equal(res.status, 200);
  res = await server.api('model-versions/get?name=cats&version=2', undefined, 'GET');
  assert.deepEqual(res.json.model_version.tags, [{ key: 'validated', value: 'yes' }]);
  assert.equal(sh(repo.dir, "git rev-parse 'cats@v0.0.2^{commit}'", repo.env), sh(repo.dir, 'git rev-parse HEAD', repo.env), 'the rewritten tag stays on its commit');

  res = await server.api('model-versions/search?filter=' + encodeURIComponent("name = 'cats' and tags.validated = 'yes'"), undefined, 'GET');
  assert.deepEqual(res.json.model_versions.map((v: { version: string }) => v.version), ['2']);
  res = await server.api('registered-models/search', {}, 'GET');
  assert.deepEqual(res.json.registered_models.map((m: { name: string }) => m.name), ['cats']);
  assert.deepEqual(res.json.registered_models[0].aliases, [{ alias: 'champion', version: '1' }, { alias: 'production', version: '2' }, { alias: 'qa', version: '1' }]);

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

test('searches, pages and orders Git-tag versions as the database registry does; latest versions per stage', async (t) => {
  const repo = await catsRepo(t);
  useGitIdentity(t, repo.env);
  const store = new GitTagRegistryStore(await openRepo({ cwd: repo.dir, env: {} }));
  await store.createRegisteredModel({ name: 'cats' });
  for (let i = 1; i <= 3; i++) {
    if (i > 1) await newCommit(repo, `w${i}`);
    assert.equal((await store.createModelVersion({ name: 'cats', source: 'cats.bin' })).version, String(i));
  }
  await store.transitionModelVersionStage({ name: 'cats', version: '1', stage: 'Staging', archiveExisting: false });
  await store.transitionModelVersionStage({ name: 'cats', version: '2', stage: 'Production', archiveExisting: true });
  assert.deepEqual((await store.getLatestVersions('cats')).map((v) => [v.version, v.current_stage]), [['1', 'Staging'], ['2', 'Production'], ['3', 'None']]);
  assert.deepEqual((await store.getLatestVersions('cats', ['Production'])).map((v) => v.version), ['2']);
  const versions = async (order_by?: string[]) => (await store.searchModelVersions({ filter: "name = 'cats'", order_by })).model_versions.map((v) => v.version);
  assert.deepEqual(await versions(['version_number ASC']), ['1', '2', '3']);
  assert.deepEqual(await versions(['version_number DESC']), ['3', '2', '1']);
  const first = await store.searchModelVersions({ max_results: 2, order_by: ['version_number ASC'] });
  assert.deepEqual(first.model_versions.map((v) => v.version), ['1', '2']);
  const second = await store.searchModelVersions({ max_results: 2, order_by: ['version_number ASC'], page_token: first.next_page_token });
  assert.deepEqual([second.model_versions.map((v) => v.version), second.next_page_token], [['3'], undefined]);
  await assert.rejects(store.searchModelVersions({ filter: "name = 'x'", page_token: first.next_page_token }), /another search/);
  await assert.rejects(store.searchModelVersions({ filter: 'params.lr = 1' }), /model versions are searched/);
  assert.equal(await store.getModelVersionDownloadUri('cats', '3'), 'cats.bin');
  await store.setAlias('cats', 'champion', '3');
  await store.setAlias('cats', 'champion', '3');
  await store.deleteAlias('cats', 'champion');
  await assert.rejects(store.getModelVersionByAlias('cats', 'champion'), /alias champion not found/);
  await assert.rejects(store.setAlias('cats', 'latest', '1'), /reserved/);
  await assert.rejects(store.getModelVersion('cats', '9'), /version=9\) not found/);
});
