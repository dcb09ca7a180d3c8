import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir, testEnv } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

async function call(base: string, route: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: any }> {
  const res = await fetch(new URL(`api/2.0/mlflow/${route}`, base), { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: res.status, json: await res.json() };
}

test('cairn server creates the registry tables on start, serves the registry over HTTP, and keeps it across a restart', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const env = testEnv(dir.dir);
  const file = path.join(dir.dir, 'runs.db');
  const first = await spawnServer(t, { args: ['--backend-store-uri', `sqlite://${file}`], cwd: dir.dir, env });

  const db = new Database(file, { readonly: true, fileMustExist: true });
  const lineage = db.prepare("SELECT version FROM cairn_migrations WHERE lineage = 'registry'").all();
  db.close();
  assert.deepEqual(lineage, [{ version: 1 }], 'migrated before any registry call');

  assert.equal((await call(first.url, 'registered-models/create', { name: 'cats' })).status, 200);
  const v = await call(first.url, 'model-versions/create', { name: 'cats', source: 's3://bucket/cats/1' });
  assert.equal(v.json.model_version.version, '1');
  assert.equal((await call(first.url, 'registered-models/alias', { name: 'cats', alias: 'champion', version: '1' })).status, 200);
  assert.equal(await first.stop('SIGTERM'), 0);

  const second = await spawnServer(t, { args: ['--backend-store-uri', `sqlite://${file}`], cwd: dir.dir, env });
  const byAlias = await fetch(new URL('api/2.0/mlflow/registered-models/alias?name=cats&alias=champion', second.url));
  assert.equal(byAlias.status, 200);
  assert.equal(((await byAlias.json()) as any).model_version.source, 's3://bucket/cats/1');
  assert.equal((await call(second.url, 'model-versions/create', { name: 'cats', source: 's3://bucket/cats/2' })).json.model_version.version, '2');
  assert.equal(await second.stop('SIGTERM'), 0);
});
