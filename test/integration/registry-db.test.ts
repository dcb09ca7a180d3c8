import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { sqliteClient } from '../../src/core/sql/sqliteClient.js';
import { openSqlModelRegistryStore } from '../../src/registry/db/sqlModelRegistryStore.js';
import { PROJECT_ROOT, tempDir } from '../helpers/cli.js';
import { runRegistryStoreContract } from '../contract/registryStoreContract.js';

/** A SQLite file as the server opens it (WAL, a busy timeout so another process waits for the write lock). */
function connect(file: string): Database.Database {
  const db = new Database(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  return db;
}

runRegistryStoreContract('sqlite', async () => {
  const tmp = tempDir('cairn-registry-');
  const db = connect(path.join(tmp.dir, 'registry.db'));
  return {
    sql: sqliteClient(db),
    cleanup: async () => {
      db.close();
      tmp.cleanup();
    },
  };
});

function runWriter(file: string, name: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/fixtures/registryWriter.ts'), file, name, String(count)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`writer failed (${code}): ${stderr}`))));
  });
}

it('three processes creating versions of one model at once get distinct numbers 1..30', async (t) => {
  const tmp = tempDir('cairn-registry-');
  t.after(tmp.cleanup);
  const file = path.join(tmp.dir, 'registry.db');
  const db = connect(file);
  t.after(() => db.close());
  const store = await openSqlModelRegistryStore(sqliteClient(db));
  await store.createRegisteredModel({ name: 'cats' });
  const got = (await Promise.all([runWriter(file, 'cats', 10), runWriter(file, 'cats', 10), runWriter(file, 'cats', 10)])).flat();
  assert.deepEqual(got.map(Number).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1));
  assert.equal((await store.searchModelVersions({ filter: "name = 'cats'" })).model_versions.length, 30);
});
