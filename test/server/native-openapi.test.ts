import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenStore } from '../../src/server/auth/tokenStore.js';
import { OPENAPI_DOCUMENT } from '../../src/server/routes/native/openapi.js';
import { startTestServer } from '../helpers/server.js';

/** Every route the app has under /api/cairn/v1/, as "METHOD /path/{param}" (HEAD, which fastify adds to GETs, aside). */
function nativeRoutesOf(printed: string): string[] {
  const out: string[] = [];
  for (const line of printed.split('\n')) {
    // With a route at `/` (the web UI) fastify prints the tree's children without their leading slash.
    const m = /(?:^|[\s─])\/?(api\/cairn\/v1\/\S*) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const path = m[1].slice('api/cairn/v1'.length).replace(/:(\w+)/g, '{$1}');
    for (const method of m[2].split(',').map((x) => x.trim()).filter((x) => x !== 'HEAD')) out.push(`${method} ${path}`);
  }
  return out.sort();
}

test('every native route the server registers is described in openapi.json, and every described one is a route', async (t) => {
  const server = await startTestServer(t);
  const registered = nativeRoutesOf(server.app.printRoutes({ commonPrefix: false }));
  assert.ok(registered.length >= 6, registered.join(', '));
  const described = Object.entries(OPENAPI_DOCUMENT.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${p}`))
    .sort();
  assert.deepEqual(registered, described);
});

test('GET /api/cairn/v1/openapi.json serves an OpenAPI 3.1 document, without a token even when auth is on', async (t) => {
  const server = await startTestServer(t, {
    configure: async (ctx) => {
      ctx.auth = { tokens: await TokenStore.open(ctx.sql) };
    },
  });
  const res = await fetch(new URL('/api/cairn/v1/openapi.json', server.url));
  assert.equal(res.status, 200);
  const doc = (await res.json()) as typeof OPENAPI_DOCUMENT;
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(Object.keys(doc.paths).sort(), Object.keys(OPENAPI_DOCUMENT.paths).sort());
  const info = await fetch(new URL('/api/cairn/v1/info', server.url));
  assert.equal(info.status, 401, 'the other native routes need a token');
});

test('every $ref in the document resolves, and every operation has an operationId and a 200 response', () => {
  const refs = JSON.stringify(OPENAPI_DOCUMENT).match(/"#\/components\/schemas\/\w+"/g) ?? [];
  for (const r of refs) {
    const name = r.slice('"#/components/schemas/'.length, -1);
    assert.ok(name in OPENAPI_DOCUMENT.components.schemas, `${r} resolves`);
  }
  for (const [p, ops] of Object.entries(OPENAPI_DOCUMENT.paths)) {
    for (const [method, op] of Object.entries(ops as Record<string, { operationId?: string; responses: Record<string, unknown> }>)) {
      assert.ok(op.operationId, `${method} ${p} has an operationId`);
      assert.ok(op.responses['200'], `${method} ${p} has a 200 response`);
    }
  }
});
