import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cairn, tempDir, testEnv } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

test('token create prints the token once, list shows it without the secret, revoke removes it; the table holds only a hash', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const env = testEnv(tmp.dir);
  const db = path.join(tmp.dir, 'srv.db');
  const created = await cairn(tmp.dir, ['server', 'token', 'create', '--name', 'ci', '--scope', 'write', '--expires', '30d', '--backend-store-uri', db], env);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.split('\n')[0];
  assert.match(token, /^cairn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  assert.match(created.stdout, /it is not shown again/);

  const listed = await cairn(tmp.dir, ['server', 'token', 'list', '--backend-store-uri', db, '--json'], env);
  assert.equal(listed.code, 0, listed.stderr);
  const list = JSON.parse(listed.stdout);
  assert.equal(list.length, 1);
  assert.equal(list[0].name, 'ci');
  assert.equal(list[0].scope, 'write');
  assert.ok(list[0].expires_time > Date.now() + 29 * 86_400_000);
  assert.ok(!listed.stdout.includes(token.slice(20)));
  const table = await cairn(tmp.dir, ['server', 'token', 'list', '--backend-store-uri', db], env);
  assert.match(table.stdout, /^ID +NAME +SCOPE/m);
  assert.match(table.stdout, /\bci +write\b/);

  const rows = new Database(db, { readonly: true }).prepare('SELECT * FROM cairn_tokens').all();
  assert.equal(rows.length, 1);
  assert.ok(!JSON.stringify(rows).includes(token.slice(20)), 'the secret is not in the database');

  const dup = await cairn(tmp.dir, ['server', 'token', 'create', '--name', 'ci', '--backend-store-uri', db], env);
  assert.equal(dup.code, 5);
  assert.match(dup.stderr, /already exists/);
  const badScope = await cairn(tmp.dir, ['server', 'token', 'create', '--name', 'x', '--scope', 'root', '--backend-store-uri', db], env);
  assert.equal(badScope.code, 2);
  assert.match(badScope.stderr, /unknown token scope "root"/);

  const revoked = await cairn(tmp.dir, ['server', 'token', 'revoke', 'ci', '--backend-store-uri', db], env);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, /revoked the token "ci"/);
  const again = await cairn(tmp.dir, ['server', 'token', 'revoke', 'ci', '--backend-store-uri', db], env);
  assert.equal(again.code, 4);
  assert.deepEqual(JSON.parse((await cairn(tmp.dir, ['server', 'token', 'list', '--backend-store-uri', db, '--json'], env)).stdout), []);
});

test('off loopback without --insecure the server requires auth, and with no token yet it says how to create one', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const db = path.join(tmp.dir, 'srv.db');
  const r = await cairn(tmp.dir, ['server', '--host', '0.0.0.0', '--port', '0', '--backend-store-uri', db], testEnv(tmp.dir));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /listening on 0\.0\.0\.0 the server requires a token/);
  assert.match(r.stderr, /cairn server token create --name admin --scope admin --backend-store-uri /);
  assert.match(r.stderr, /--insecure/);
  const withAuth = await cairn(tmp.dir, ['server', '--auth', '--port', '0', '--backend-store-uri', db], testEnv(tmp.dir));
  assert.equal(withAuth.code, 2);
  assert.match(withAuth.stderr, /with --auth the server requires a token/);
});

test('cairn server --auth (the default sub-command with flags) checks tokens from the same database token create wrote', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const env = testEnv(tmp.dir);
  const db = path.join(tmp.dir, 'srv.db');
  const created = await cairn(tmp.dir, ['server', 'token', 'create', '--name', 'reader', '--backend-store-uri', db], env);
  const token = created.stdout.split('\n')[0];
  const server = await spawnServer(t, { args: ['--auth', '--backend-store-uri', db], cwd: tmp.dir, env });
  const url = server.url;
  const health = await fetch(new URL('/health', url));
  assert.equal(health.status, 200, 'health stays public');
  const anonymous = await fetch(new URL('/api/2.0/mlflow/experiments/search', url));
  assert.equal(anonymous.status, 401);
  assert.ok(anonymous.headers.get('www-authenticate'));
  const authed = await fetch(new URL('/api/2.0/mlflow/experiments/search', url), { headers: { authorization: `Bearer ${token}` } });
  assert.notEqual(authed.status, 401);
  assert.notEqual(authed.status, 403);
  assert.equal(await server.stop(), 0);
  const logged = server.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  assert.ok(logged.some((e) => e.msg === 'request' && e.status === 401 && e.user === undefined), server.stderr());
  assert.ok(logged.some((e) => e.msg === 'request' && e.status !== 401 && e.user === 'reader'), 'the request log names the token');
  assert.ok(!server.stderr().includes(token.slice(20)), 'the token never reaches the log');
});

test('on loopback without --auth the server is open (the default)', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { url } = await spawnServer(t, { args: ['--backend-store-uri', path.join(tmp.dir, 'srv.db')], cwd: tmp.dir, env: testEnv(tmp.dir) });
  const res = await fetch(new URL('/api/2.0/mlflow/experiments/search', url));
  assert.notEqual(res.status, 401);
});

test('--max-body-mb sets the request body limit of the server', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { url } = await spawnServer(t, { args: ['--max-body-mb', '1', '--backend-store-uri', path.join(tmp.dir, 'srv.db')], cwd: tmp.dir, env: testEnv(tmp.dir) });
  const res = await fetch(new URL('/api/2.0/mlflow/experiments/create', url), { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
  assert.equal(res.status, 413);
  assert.equal(((await res.json()) as { error_code: string }).error_code, 'REQUEST_LIMIT_EXCEEDED');
  const bad = await cairn(tmp.dir, ['server', '--max-body-mb', '0', '--port', '0'], testEnv(tmp.dir));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-body-mb must be a whole number/);
});
