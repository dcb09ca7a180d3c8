import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openTrackingStore } from '../../src/tracking/openTrackingStore.js';
import { cairn, tempDir, tempGitRepo, testEnv } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

test('in a repository, cairn server keeps artifacts in its cache: runs show them, and gc keeps what the server holds', async (t) => {
  const repo = tempGitRepo();
  t.after(repo.cleanup);
  assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
  const store = await openTrackingStore({ cairnDir: path.join(repo.dir, '.cairn'), cwd: repo.dir });
  const { run_id } = await store.createRun({ experiment_id: '0', run_name: 'proxied' });
  await store.close();

  const server = await spawnServer(t, { args: [], cwd: repo.dir, env: repo.env });
  const put = await fetch(new URL(`${ARTIFACTS}/0/${run_id}/artifacts/model/weights.bin`, server.url), { method: 'PUT', body: 'weights' });
  assert.equal(put.status, 200, await put.clone().text());
  await fetch(new URL(`${ARTIFACTS}/shared/notes.txt`, server.url), { method: 'PUT', body: 'notes of no run' });
  const cache = path.join(repo.dir, '.cairn', 'cache', 'objects');
  assert.ok(existsSync(path.join(cache, sha('weights').slice(0, 2), sha('weights').slice(2))), 'the object is in the repository cache');
  assert.equal(await server.stop(), 0);

  const shown = await cairn(repo.dir, ['runs', 'show', run_id, '--json'], repo.env);
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(JSON.parse(shown.stdout).artifacts, [{ path: 'model/weights.bin', oid: sha('weights'), size: 7 }]);

  const gc = await cairn(repo.dir, ['gc', '--workspace', '--force', '--json'], repo.env);
  assert.equal(gc.code, 0, gc.stderr);
  assert.ok(existsSync(path.join(cache, sha('notes of no run').slice(0, 2), sha('notes of no run').slice(2))), 'gc kept the file only the server index holds');
  assert.ok(existsSync(path.join(cache, sha('weights').slice(0, 2), sha('weights').slice(2))));
});

test('outside a repository artifacts go to ./cairn-artifacts; --artifacts-max-upload bounds an upload', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const env = testEnv(dir.dir);
  const server = await spawnServer(t, { args: ['--artifacts-max-upload', '10'], cwd: dir.dir, env });
  assert.equal((await fetch(new URL(`${ARTIFACTS}/a.txt`, server.url), { method: 'PUT', body: 'ten bytes!' })).status, 200);
  const big = await fetch(new URL(`${ARTIFACTS}/b.txt`, server.url), { method: 'PUT', body: 'eleven byte' });
  assert.equal(big.status, 413);
  assert.ok(existsSync(path.join(dir.dir, 'cairn-artifacts', 'objects', sha('ten bytes!').slice(0, 2), sha('ten bytes!').slice(2))));
  assert.equal(await server.stop(), 0);
  const bad = await cairn(dir.dir, ['server', '--port', '0', '--artifacts-max-upload', 'lots'], env);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--artifacts-max-upload must be a size such as 500MB/);
  const badUrl = await cairn(dir.dir, ['server', '--port', '0', '--artifacts-destination', 'ftp://host/x'], env);
  assert.equal(badUrl.code, 2, badUrl.stderr);
  assert.match(badUrl.stderr, /unsupported remote URL scheme "ftp:\/\/"/);
});

test('--artifacts-destination may name one of the repository\'s remotes', async (t) => {
  const repo = tempGitRepo();
  t.after(repo.cleanup);
  assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
  const storage = path.join(repo.dir, '..', 'storage');
  assert.equal((await cairn(repo.dir, ['remote', 'add', 'storage', storage], repo.env)).code, 0);
  const server = await spawnServer(t, { args: ['--artifacts-destination', 'storage'], cwd: repo.dir, env: repo.env });
  assert.equal((await fetch(new URL(`${ARTIFACTS}/x/y.txt`, server.url), { method: 'PUT', body: 'to the remote' })).status, 200);
  assert.equal(await server.stop(), 0);
  assert.ok(existsSync(path.join(storage, 'objects', sha('to the remote').slice(0, 2), sha('to the remote').slice(2))));
  assert.ok(!existsSync(path.join(repo.dir, '.cairn', 'cache', 'objects', sha('to the remote').slice(0, 2))), 'not in the cache');
});
