import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

test('cairn server in a repository that declares artifacts serves its Git-tag registry; --registry db its own', async (t) => {
  const repo = tempGitRepo();
  t.after(() => repo.cleanup());
  assert.equal((await cairn(repo.dir, ['init', '-q'], repo.env)).code, 0);
  writeFileSync(path.join(repo.dir, 'm.bin'), 'w');
  writeFileSync(path.join(repo.dir, 'cairn.yaml'), 'artifacts:\n  churn:\n    path: m.bin\n');
  assert.equal((await cairn(repo.dir, ['add', '-q', 'm.bin'], repo.env)).code, 0);
  sh(repo.dir, 'git add -A && git commit -qm one', repo.env);
  assert.equal((await cairn(repo.dir, ['model', 'register', 'churn'], repo.env)).code, 0);
  assert.equal((await cairn(repo.dir, ['model', 'promote', 'churn', 'v0.0.1', '--to', 'prod'], repo.env)).code, 0);

  const server = await spawnServer(t, { args: [], cwd: repo.dir, env: repo.env });
  const get = async (url: string, route: string) => (await fetch(`${url}api/2.0/mlflow/${route}`)).json() as Promise<any>;
  const found = await get(server.url, 'registered-models/search');
  assert.deepEqual(found.registered_models.map((m: { name: string }) => m.name), ['churn']);
  assert.deepEqual(found.registered_models[0].aliases, [{ alias: 'prod', version: '1' }]);
  const byAlias = await get(server.url, 'registered-models/alias?name=churn&alias=prod');
  assert.equal(byAlias.model_version.version, '1');
  await server.stop();

  const db = await spawnServer(t, { args: ['--registry', 'db'], cwd: repo.dir, env: repo.env });
  assert.deepEqual((await get(db.url, 'registered-models/search')).registered_models, []);
  await db.stop();
});
