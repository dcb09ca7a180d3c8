import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { TokenStore } from '../../src/server/auth/tokenStore.js';
import { uiRelativePath } from '../../src/server/routes/ui/uiRelativePath.js';
import { startTestServer } from '../helpers/server.js';

/** A built UI of its own: index.html, one hashed asset, and a secret beside the folder (and a symlink to it). */
function fakeUi(t: TestContext): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cairn-ui-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'web');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'secret.txt'), 'not for you');
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'assets', 'link.txt'));
  return dir;
}

test('the UI: index.html at / and for any other page path, hashed assets cached for good, a strict CSP', async (t) => {
  const uiDir = fakeUi(t);
  const server = await startTestServer(t, { configure: (ctx) => void (ctx.uiDir = uiDir) });
  const index = await server.app.inject({ method: 'GET', url: '/' });
  assert.equal(index.statusCode, 200);
  assert.match(index.headers['content-type'] as string, /^text\/html; charset=utf-8/);
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.match(index.headers['content-security-policy'] as string, /default-src 'self'.*script-src 'self'/);
  assert.equal(index.body, '<!doctype html><div id="root"></div>');
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
  const deep = await server.app.inject({ method: 'GET', url: '/experiments/3?x=1', headers: html });
  assert.equal(deep.statusCode, 200);
  assert.equal(deep.body, index.body);
  // A client wanting JSON from a wrong base URL gets a JSON 404 it can read, not the page.
  const wrongBase = await server.app.inject({ method: 'GET', url: '/not-here/api/cairn/v1/info', headers: { accept: '*/*' } });
  assert.equal(wrongBase.statusCode, 404);
  assert.equal(wrongBase.json().error_code, 'ENDPOINT_NOT_FOUND');
  const asset = await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
  assert.equal(asset.statusCode, 200);
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(asset.headers['content-type'] as string, /^text\/javascript/);
  const head = await server.app.inject({ method: 'HEAD', url: '/assets/index-abc123.js' });
  assert.equal(head.statusCode, 200);
  // A stale page asking for an old bundle gets a 404, not the page.
  const missing = await server.app.inject({ method: 'GET', url: '/assets/index-old.js' });
  assert.equal(missing.statusCode, 404);
});

test('UI paths cannot leave its folder: .., encoded .., backslashes and symlinks are refused', async (t) => {
  const uiDir = fakeUi(t);
  const server = await startTestServer(t, { configure: (ctx) => void (ctx.uiDir = uiDir) });
  // Some of these the URL parser already resolves (`/%2e%2e/x` is `/x`, the page); the rest are refused. None leaks.
  for (const url of ['/%2e%2e/secret.txt', '/assets/%2E%2E/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets/link.txt', '/%00', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt']) {
    const res = await server.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
    assert.doesNotMatch(res.body, /not for you/, url);
    assert.ok(res.statusCode === 400 || (res.statusCode === 200 && res.body.includes('id="root"')), `${url}: ${res.statusCode} ${res.body}`);
  }
  for (const url of ['/assets/link.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
    assert.equal((await server.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } })).statusCode, 400, url);
  }
  assert.throws(() => uiRelativePath('/a/../b'), /climbs out/);
  assert.equal(uiRelativePath('/assets//./x.js'), 'assets/x.js');
  assert.equal(uiRelativePath('/'), '');
});

test('without a built UI, / says how to build it; the APIs keep their JSON 404s', async (t) => {
  const server = await startTestServer(t, { configure: (ctx) => void (ctx.uiDir = path.join(os.tmpdir(), 'cairn-no-such-ui')) });
  const res = await server.app.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 404);
  assert.match(res.body, /npm run build/);
  for (const url of ['/api/2.0/mlflow/no-such-route', '/ajax-api/2.0/mlflow/nope', '/api/cairn/v1/nope']) {
    const api = await server.app.inject({ method: 'GET', url });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error_code, 'ENDPOINT_NOT_FOUND', url);
  }
});

test('with auth on, the UI loads without a token while every API call (and unknown API routes) still needs one', async (t) => {
  const uiDir = fakeUi(t);
  const server = await startTestServer(t, {
    configure: async (ctx) => {
      ctx.uiDir = uiDir;
      ctx.auth = { tokens: await TokenStore.open(ctx.sql) };
    },
  });
  assert.equal((await server.app.inject({ method: 'GET', url: '/' })).statusCode, 200);
  assert.equal((await server.app.inject({ method: 'GET', url: '/assets/index-abc123.js' })).statusCode, 200);
  for (const url of ['/api/cairn/v1/experiments/summary', '/api/2.0/mlflow/no-such-route', '/ajax-api/2.0/mlflow/experiments/search']) {
    assert.equal((await server.app.inject({ method: 'GET', url })).statusCode, 401, url);
  }
});

test('experiments/summary counts runs per experiment; experiments/keys lists their keys', async (t) => {
  const server = await startTestServer(t);
  const exp = (await server.api('experiments/create', { name: 'keys' })).json.experiment_id as string;
  const ids: string[] = [];
  for (const [i, status] of ['FINISHED', 'RUNNING', 'FINISHED'].entries()) {
    const run = (await server.api('runs/create', { experiment_id: exp, start_time: 1000 + i })).json.run.info.run_id as string;
    ids.push(run);
    await server.api('runs/log-batch', { run_id: run, params: [{ key: `p${i}`, value: '1' }], metrics: [{ key: 'acc', value: 0.5, timestamp: 5000 + i, step: 0 }], tags: [{ key: 'team', value: 'x' }] });
    if (status === 'FINISHED') await server.api('runs/update', { run_id: run, status, end_time: 9000 + i });
  }
  await server.api('runs/delete', { run_id: ids[2] });
  const summary = await server.app.inject({ method: 'GET', url: '/api/cairn/v1/experiments/summary' });
  assert.deepEqual(summary.json().experiments.find((e: any) => e.experiment_id === exp), { experiment_id: exp, runs: 2, running: 1, deleted_runs: 1, last_activity: 9000 });
  const keys = await server.app.inject({ method: 'GET', url: `/api/cairn/v1/experiments/keys?experiment_ids=${exp}` });
  const body = keys.json();
  assert.deepEqual(body.params, ['p0', 'p1', 'p2']);
  assert.deepEqual(body.metrics, ['acc']);
  assert.ok(body.tags.includes('team'), body.tags);
  const bad = await server.app.inject({ method: 'GET', url: '/api/cairn/v1/experiments/keys?experiment_ids=abc' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /"abc" is not a number/);
  assert.equal((await server.app.inject({ method: 'GET', url: '/api/cairn/v1/experiments/keys' })).statusCode, 400);
});
