import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { apiError, errorFromApi } from '../../src/server/mlflowErrors.js';
import { startTestServer } from '../helpers/server.js';

test('/health answers OK and /version the version, as plain text, over a real socket', async (t) => {
  const server = await startTestServer(t);
  const health = await fetch(new URL('/health', server.url));
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'OK');
  const version = await fetch(new URL('/version', server.url));
  assert.equal(await version.text(), '0.0.0-test');
});

test('an unknown route answers 404 with MLflow\'s JSON error, not HTML', async (t) => {
  const server = await startTestServer(t);
  const res = await fetch(new URL('/api/2.0/mlflow/no-such/endpoint', server.url), { method: 'POST', body: '{}' });
  assert.equal(res.status, 404);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body.error_code, 'ENDPOINT_NOT_FOUND');
  assert.match(String(body.message), /POST \/api\/2\.0\/mlflow\/no-such\/endpoint/);
});

test('every request is logged as one structured entry with method, status and time', async (t) => {
  const server = await startTestServer(t);
  await fetch(new URL('/health', server.url));
  const entry = server.logs.find((e) => e.msg === 'request' && e.url === '/health');
  assert.ok(entry, JSON.stringify(server.logs));
  assert.equal(entry.method, 'GET');
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.ms, 'number');
});

test('errors map to MLflow codes and statuses, and the client rebuilds the same CairnError', () => {
  const cases: Array<[CairnError, string, number]> = [
    [new CairnError('NOT_FOUND', 'no run'), 'RESOURCE_DOES_NOT_EXIST', 404],
    [new CairnError('USAGE', 'bad key'), 'INVALID_PARAMETER_VALUE', 400],
    [new CairnError('CONFLICT', 'exists'), 'RESOURCE_ALREADY_EXISTS', 400],
    [new CairnError('CONFLICT', 'param changed', { data: { mlflow_code: 'INVALID_PARAMETER_VALUE' } }), 'INVALID_PARAMETER_VALUE', 400],
    [new CairnError('AUTH', 'no token'), 'UNAUTHENTICATED', 401],
  ];
  for (const [err, code, status] of cases) {
    const out = apiError(err, 'mlflow');
    assert.equal(out.body.error_code, code);
    assert.equal(out.status, status);
    assert.equal(out.body.cairn.data?.mlflow_code, undefined, 'the forcing field is not sent');
    const back = errorFromApi(out.status, out.body, 'x');
    assert.equal(back.code, err.code);
    assert.equal(back.message, err.message);
  }
  assert.equal(apiError(new CairnError('CONFLICT', 'x'), 'native').status, 409, 'the native API keeps cairn\'s statuses');
});

test('an error that is not a CairnError shows no text or stack, only a generic message', () => {
  const out = apiError(new TypeError('secret internals at /srv/x.js:12'), 'mlflow');
  assert.equal(out.status, 500);
  assert.equal(out.body.error_code, 'INTERNAL_ERROR');
  assert.doesNotMatch(JSON.stringify(out.body), /secret|x\.js/);
});

test('a body that is not JSON gets a clear 400 naming the endpoint', async (t) => {
  const server = await startTestServer(t, { extend: (app) => app.post('/api/2.0/mlflow/echo-for-test', async (req) => req.body as object) });
  const bad = await server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/echo-for-test', payload: '{not json', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error_code, 'INVALID_PARAMETER_VALUE');
  assert.match(bad.json().message, /not valid JSON/);
  const untyped = await server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/echo-for-test', payload: '{"a":1}', headers: {} });
  assert.deepEqual(untyped.json(), { a: 1 }, 'JSON without a content type is read as JSON (some MLflow clients send none)');
});

test('a body over the limit is refused with REQUEST_LIMIT_EXCEEDED, not a crash', async (t) => {
  const server = await startTestServer(t, { extend: (app) => app.post('/api/2.0/mlflow/echo-for-test', async () => ({})) });
  const res = await server.app.inject({ method: 'POST', url: '/api/2.0/mlflow/echo-for-test', payload: `{"x":"${'a'.repeat(65 * 1024 * 1024)}"}` });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().error_code, 'REQUEST_LIMIT_EXCEEDED');
});
