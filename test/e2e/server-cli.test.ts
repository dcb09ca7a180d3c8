import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { cairn, tempDir, testEnv } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

test('cairn server listens, answers /health, logs requests as JSON lines, and stops cleanly on SIGTERM', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const env = testEnv(dir.dir);
  const server = await spawnServer(t, { args: ['--backend-store-uri', `sqlite://${path.join(dir.dir, 'runs.db')}`], cwd: dir.dir, env });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const res = await fetch(new URL('/health', server.url));
  assert.equal(await res.text(), 'OK');
  assert.equal(await server.stop('SIGTERM'), 0);
  const logged = server.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  assert.ok(logged.some((e) => e.msg === 'request' && e.url === '/health' && e.status === 200), server.stderr());
});

test('cairn server refuses a taken port, a non-loopback address without --insecure, and a server as its backend', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const env = testEnv(dir.dir);
  const server = await spawnServer(t, { args: ['--backend-store-uri', path.join(dir.dir, 'a.db')], cwd: dir.dir, env });
  const port = new URL(server.url).port;
  const taken = await cairn(dir.dir, ['server', '--port', port, '--backend-store-uri', path.join(dir.dir, 'b.db')], env);
  assert.equal(taken.code, 5, taken.stderr);
  assert.match(taken.stderr, /already in use/);
  const open = await cairn(dir.dir, ['server', '--host', '0.0.0.0', '--port', '0'], env);
  assert.equal(open.code, 2, open.stderr);
  assert.match(open.stderr, /0\.0\.0\.0/);
  const chained = await cairn(dir.dir, ['server', '--port', '0', '--backend-store-uri', 'http://127.0.0.1:1'], env);
  assert.equal(chained.code, 2, chained.stderr);
  assert.match(chained.stderr, /cannot keep its runs on another server/);
  const badPort = await cairn(dir.dir, ['server', '--port', '70000'], env);
  assert.equal(badPort.code, 2, badPort.stderr);
});
