import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TokenStore } from '../../src/server/auth/tokenStore.js';
import { startTestServer } from '../helpers/server.js';

/** A server with auth on, three probe routes (one per scope), and a token of each scope. */
async function authServer(t: TestContext) {
  let tokens!: TokenStore;
  const server = await startTestServer(t, {
    configure: async (ctx) => {
      tokens = await TokenStore.open(ctx.sql);
      ctx.auth = { tokens };
    },
    extend: (app: FastifyInstance) => {
      app.get('/api/2.0/mlflow/probe/read', { config: { scope: 'read' } }, async (request) => ({ who: request.principal }));
      app.post('/api/2.0/mlflow/probe/write', { config: { scope: 'write' } }, async () => ({ ok: true }));
      app.post('/api/2.0/mlflow/probe/admin', { config: { scope: 'admin' } }, async () => ({ ok: true }));
      app.get('/api/2.0/mlflow/probe/unscoped', async () => ({ ok: true }));
    },
  });
  const read = (await tokens.create({ name: 'reader', scope: 'read' })).token;
  const write = (await tokens.create({ name: 'writer', scope: 'write' })).token;
  const admin = (await tokens.create({ name: 'root', scope: 'admin' })).token;
  return { server, tokens, read, write, admin };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

test('without a token: 401 UNAUTHENTICATED with WWW-Authenticate; public routes stay open', async (t) => {
  const { server } = await authServer(t);
  const res = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/probe/read' });
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error_code, 'UNAUTHENTICATED');
  assert.match(String(res.headers['www-authenticate']), /Bearer realm="cairn"/);
  assert.match(String(res.headers['www-authenticate']), /Basic realm="cairn"/);
  const health = await server.app.inject({ method: 'GET', url: '/health' });
  assert.equal(health.statusCode, 200);
  const version = await server.app.inject({ method: 'GET', url: '/version' });
  assert.equal(version.statusCode, 200);
});

test('an invalid, malformed, revoked or expired token is a 401 too', async (t) => {
  const { server, tokens, read } = await authServer(t);
  for (const headers of [bearer('cairn_0123456789ab_' + 'a'.repeat(43)), bearer('nonsense'), { authorization: 'Digest abc' }, { authorization: 'Bearer' }]) {
    const res = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/probe/read', headers });
    assert.equal(res.statusCode, 401, JSON.stringify(headers));
    assert.ok(res.headers['www-authenticate']);
  }
  await tokens.revoke('reader');
  const revoked = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/probe/read', headers: bearer(read) });
  assert.equal(revoked.statusCode, 401);
  const expiring = await tokens.create({ name: 'brief', scope: 'admin', expiresTime: Date.now() - 1 });
  const expired = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/probe/read', headers: bearer(expiring.token) });
  assert.equal(expired.statusCode, 401);
  assert.match(expired.json().message, /expired/);
});

test('scopes: read reads, write writes, admin does everything; too low is 403 PERMISSION_DENIED', async (t) => {
  const { server, read, write, admin } = await authServer(t);
  const call = async (method: 'GET' | 'POST', url: string, token: string) => (await server.app.inject({ method, url, headers: bearer(token), payload: method === 'POST' ? {} : undefined })).statusCode;
  assert.equal(await call('GET', '/api/2.0/mlflow/probe/read', read), 200);
  assert.equal(await call('POST', '/api/2.0/mlflow/probe/write', read), 403);
  assert.equal(await call('POST', '/api/2.0/mlflow/probe/admin', read), 403);
  assert.equal(await call('GET', '/api/2.0/mlflow/probe/read', write), 200);
  assert.equal(await call('POST', '/api/2.0/mlflow/probe/write', write), 200);
  assert.equal(await call('POST', '/api/2.0/mlflow/probe/admin', write), 403);
  for (const url of ['/api/2.0/mlflow/probe/write', '/api/2.0/mlflow/probe/admin']) assert.equal(await call('POST', url, admin), 200);
  assert.equal(await call('GET', '/api/2.0/mlflow/probe/unscoped', read), 200, 'a route without a scope needs read for GET');
  const denied = await server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/probe/admin', headers: bearer(write), payload: {} });
  assert.equal(denied.json().error_code, 'PERMISSION_DENIED');
  assert.match(denied.json().message, /writer.*write scope.*needs admin/);
});

test('HTTP basic with the token as password works with any user name, as MLflow clients send it', async (t) => {
  const { server, read } = await authServer(t);
  const res = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/probe/read', headers: basic('whoever', read) });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { who: 'reader' });
  const bad = await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/probe/read', headers: basic('reader', 'password') });
  assert.equal(bad.statusCode, 401);
});

test('unknown routes need a token too (no probing of what exists)', async (t) => {
  const { server, read } = await authServer(t);
  assert.equal((await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/nothing/here' })).statusCode, 401);
  assert.equal((await server.app.inject({ method: 'GET', url: '/api/2.0/mlflow/nothing/here', headers: bearer(read) })).statusCode, 404);
});

test('over a real socket: bearer and basic work, the request log names the token, and never shows it', async (t) => {
  const { server, write } = await authServer(t);
  const url = new URL('/api/2.0/mlflow/probe/write', server.url);
  const anonymous = await fetch(url, { method: 'POST', body: '{}' });
  assert.equal(anonymous.status, 401);
  assert.ok(anonymous.headers.get('www-authenticate'));
  const withBearer = await fetch(url, { method: 'POST', body: '{}', headers: bearer(write) });
  assert.equal(withBearer.status, 200);
  const withBasic = await fetch(url, { method: 'POST', body: '{}', headers: basic('ci', write) });
  assert.equal(withBasic.status, 200);
  const entries = server.logs.filter((e) => e.msg === 'request' && e.url === '/api/2.0/mlflow/probe/write');
  assert.deepEqual(entries.map((e) => [e.status, e.user]), [[401, undefined], [200, 'writer'], [200, 'writer']]);
  assert.ok(!JSON.stringify(server.logs).includes(write.slice(20)), 'the token never reaches the log');
});

test('without auth configured every route is open (the loopback default)', async (t) => {
  const server = await startTestServer(t, { extend: (app) => app.post('/api/2.0/mlflow/probe/admin', { config: { scope: 'admin' } }, async () => ({ ok: true })) });
  assert.equal((await server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/probe/admin', payload: {} })).statusCode, 200);
});

test('a read token may search runs, experiments and logged models (MLflow POSTs its searches) but not create a run', async (t) => {
  const { server, read } = await authServer(t);
  for (const url of ['/api/2.0/mlflow/runs/search', '/api/2.0/mlflow/experiments/search', '/api/2.0/mlflow/logged-models/search']) {
    const res = await server.app.inject({ method: 'POST', url, headers: bearer(read), payload: { experiment_ids: ['0'] } });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  }
  const create = await server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/create', headers: bearer(read), payload: { experiment_id: '0' } });
  assert.equal(create.statusCode, 403);
  assert.equal(create.json().error_code, 'PERMISSION_DENIED');
});
