import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenStore } from '../../src/server/auth/tokenStore.js';
import { parseToken } from '../../src/server/auth/tokenFormat.js';
import { scopeAllows } from '../../src/server/auth/scope.js';
import { credentialsOf } from '../../src/server/auth/credentials.js';
import { CairnError } from '../../src/core/errors.js';
import { startTestServer } from '../helpers/server.js';

test('a created token is cairn_<id>_<secret>, listed without its secret, and stored only as a SHA-256 hash', async (t) => {
  const server = await startTestServer(t);
  const tokens = await TokenStore.open(server.ctx.sql);
  const created = await tokens.create({ name: 'ci', scope: 'write' });
  assert.match(created.token, /^cairn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  const parts = parseToken(created.token)!;
  assert.equal(parts.id, created.id);
  const listed = await tokens.list();
  assert.deepEqual(listed.map((x) => [x.name, x.scope]), [['ci', 'write']]);
  assert.doesNotMatch(JSON.stringify(listed), new RegExp(parts.secret));
  const rows = await server.ctx.sql.all('SELECT * FROM cairn_tokens');
  const stored = JSON.stringify(rows);
  assert.ok(!stored.includes(parts.secret), 'the secret is not stored in clear');
  assert.ok(!stored.includes(created.token), 'the token is not stored in clear');
  assert.match(String((rows[0] as Record<string, unknown>).secret_hash), /^[0-9a-f]{64}$/);
});

test('verify: the right token gives its principal; a wrong secret, an unknown id, a revoked or expired token give AUTH', async (t) => {
  const server = await startTestServer(t);
  let now = 1_000_000;
  const tokens = await TokenStore.open(server.ctx.sql, () => now);
  const good = await tokens.create({ name: 'alice', scope: 'read' });
  assert.deepEqual(await tokens.verify(good.token), { id: good.id, name: 'alice', scope: 'read' });
  const wrong = good.token.slice(0, -1) + (good.token.endsWith('A') ? 'B' : 'A');
  await assert.rejects(tokens.verify(wrong), (e: CairnError) => e.code === 'AUTH');
  await assert.rejects(tokens.verify('cairn_000000000000_' + 'x'.repeat(43)), (e: CairnError) => e.code === 'AUTH');
  await assert.rejects(tokens.verify('not-a-token'), (e: CairnError) => e.code === 'AUTH');

  const expiring = await tokens.create({ name: 'temp', scope: 'admin', expiresTime: now + 1000 });
  await tokens.verify(expiring.token);
  now += 1000;
  await assert.rejects(tokens.verify(expiring.token), (e: CairnError) => e.code === 'AUTH' && /expired/.test(e.message));

  await tokens.revoke('alice');
  await assert.rejects(tokens.verify(good.token), (e: CairnError) => e.code === 'AUTH');
  await tokens.revoke(expiring.id);
  assert.deepEqual(await tokens.list(), []);
  await assert.rejects(tokens.revoke('nobody'), (e: CairnError) => e.code === 'NOT_FOUND');
});

test('verify records when a token was last used', async (t) => {
  const server = await startTestServer(t);
  const tokens = await TokenStore.open(server.ctx.sql, () => 5_000_000);
  const created = await tokens.create({ name: 'bot', scope: 'read' });
  assert.equal((await tokens.list())[0].last_used_time, null);
  await tokens.verify(created.token);
  assert.equal((await tokens.list())[0].last_used_time, 5_000_000);
});

test('token names are unique and checked', async (t) => {
  const server = await startTestServer(t);
  const tokens = await TokenStore.open(server.ctx.sql);
  await tokens.create({ name: 'ci', scope: 'read' });
  await assert.rejects(tokens.create({ name: 'ci', scope: 'admin' }), (e: CairnError) => e.code === 'CONFLICT');
  await assert.rejects(tokens.create({ name: 'has space', scope: 'read' }), (e: CairnError) => e.code === 'USAGE');
  assert.equal(await tokens.count(), 1);
});

test('admin includes write, write includes read', () => {
  assert.ok(scopeAllows('admin', 'write') && scopeAllows('admin', 'read') && scopeAllows('write', 'read') && scopeAllows('read', 'read'));
  assert.ok(!scopeAllows('read', 'write') && !scopeAllows('write', 'admin') && !scopeAllows('read', 'admin'));
});

test('credentials: Bearer, and Basic with the token as the password (or as the user when the password is empty)', () => {
  assert.deepEqual(credentialsOf('Bearer abc'), { token: 'abc' });
  assert.deepEqual(credentialsOf(`Basic ${Buffer.from('anyone:tok').toString('base64')}`), { token: 'tok' });
  assert.deepEqual(credentialsOf(`basic ${Buffer.from('tok:').toString('base64')}`), { token: 'tok' });
  assert.equal(credentialsOf(undefined), null);
  assert.ok('malformed' in credentialsOf('Digest x=1')!);
  assert.ok('malformed' in credentialsOf(`Basic ${Buffer.from('nocolon').toString('base64')}`)!);
});
