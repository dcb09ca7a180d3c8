import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openTrackingStore } from '../../src/tracking/openTrackingStore.js';
import { LATEST_SCHEMA_VERSION } from '../../src/tracking/sqlite/migrations.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite/sqliteTrackingStore.js';
import { PROJECT_ROOT, tempDir } from '../helpers/cli.js';
import { rejectsWith, runTrackingStoreContract } from './trackingStoreContract.js';

runTrackingStoreContract('sqlite', async () => {
  const tmp = tempDir('cairn-tracking-');
  const store = SqliteTrackingStore.open({ file: path.join(tmp.dir, 'tracking.db') });
  return { store, cleanup: async () => { await store.close(); tmp.cleanup(); } };
});

function runWriter(uri: string, runId: string, points: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/fixtures/trackingWriter.ts'), uri, runId, String(points)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error(`writer failed (${code}): ${stderr}`))));
  });
}

describe('sqlite tracking store', () => {
  it('loses nothing when 8 processes log to one store at once', async (t) => {
    const tmp = tempDir('cairn-tracking-');
    t.after(tmp.cleanup);
    const file = path.join(tmp.dir, 'tracking.db');
    const store = SqliteTrackingStore.open({ file });
    t.after(() => store.close());
    const runIds: string[] = [];
    for (let i = 0; i < 8; i++) runIds.push((await store.createRun({ experiment_id: '0', run_name: `w${i}` })).run_id);
    // Each writer logs 40 batches of 50 points, one transaction per batch, to its own run and to a shared run.
    await Promise.all(runIds.map((id) => runWriter(`sqlite://${file}`, id, 2000)));
    for (const id of runIds) {
      const history = await store.getMetricHistory(id, 'loss', { max_results: 10_000 });
      assert.equal(history.metrics.length, 2000);
      assert.deepEqual(history.metrics.map((m) => m.step), Array.from({ length: 2000 }, (_, i) => i));
      const run = await store.getRun(id);
      assert.equal(run.data.params.find((p) => p.key === 'writer')?.value, id);
      assert.deepEqual(run.data.metrics.find((m) => m.key === 'loss')?.step, 1999);
    }
    const experiments = await store.searchExperiments({ filter: "name = 'shared'" });
    assert.equal(experiments.experiments.length, 1, 'the experiment all writers ensure exists once');
  });

  it('opens a version 1 database and migrates it to the latest, keeping its runs', async (t) => {
    const tmp = tempDir('cairn-tracking-');
    t.after(tmp.cleanup);
    const file = path.join(tmp.dir, 'old.db');
    const old = SqliteTrackingStore.open({ file, schemaVersion: 1 });
    const { run_id } = await old.createRun({ experiment_id: '0', run_name: 'from-v1' });
    await old.write([{ op: 'logBatch', run_id, metrics: [{ key: 'acc', value: 0.5, step: 0, timestamp: 1 }] }]);
    await old.close();
    const raw = new Database(file, { readonly: true });
    assert.deepEqual(raw.prepare('SELECT version FROM schema_version ORDER BY version').all(), [{ version: 1 }]);
    assert.equal((raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'latest_metrics_by_key'").get() as { n: number }).n, 0);
    raw.close();

    const store = SqliteTrackingStore.open({ file });
    t.after(() => store.close());
    const versions = store.connection.prepare('SELECT version FROM schema_version ORDER BY version').all() as Array<{ version: number }>;
    assert.deepEqual(versions.map((v) => v.version), Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
    assert.equal((store.connection.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'latest_metrics_by_key'").get() as { n: number }).n, 1);
    const found = await store.searchRuns({ filter: 'metrics.acc = 0.5' });
    assert.deepEqual(found.runs.map((r) => r.info.run_name), ['from-v1']);
  });

  it('refuses a database from a newer cairn, and a file that is not a database', async (t) => {
    const tmp = tempDir('cairn-tracking-');
    t.after(tmp.cleanup);
    const file = path.join(tmp.dir, 'new.db');
    (await openTrackingStore({ uri: file, cwd: tmp.dir })).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_version VALUES (99, ?, 0)').run('future');
    raw.close();
    await rejectsWith(openTrackingStore({ uri: file, cwd: tmp.dir }), 'CONFLICT', /schema version 99.*newer/);
    const junk = path.join(tmp.dir, 'junk.db');
    (await import('node:fs')).writeFileSync(junk, 'this is not sqlite at all, just some text that is long enough'.repeat(100));
    await assert.rejects(openTrackingStore({ uri: junk, cwd: tmp.dir }), /tracking store/);
  });

  it('chooses the backend by URI scheme', async (t) => {
    const tmp = tempDir('cairn-tracking-');
    t.after(tmp.cleanup);
    const abs = await openTrackingStore({ uri: `sqlite://${path.join(tmp.dir, 'a.db')}`, cwd: '/' });
    assert.equal(abs.displayUri, `sqlite://${path.join(tmp.dir, 'a.db')}`);
    await abs.close();
    const rel = await openTrackingStore({ uri: 'b.db', cwd: tmp.dir });
    assert.equal(rel.displayUri, `sqlite://${path.join(tmp.dir, 'b.db')}`);
    await rel.close();
    const relUri = await openTrackingStore({ uri: 'sqlite://sub/c.db', cwd: tmp.dir });
    assert.equal(relUri.displayUri, `sqlite://${path.join(tmp.dir, 'sub', 'c.db')}`);
    await relUri.close();
    const memory = await openTrackingStore({ uri: 'sqlite:///:memory:', cwd: tmp.dir });
    assert.equal(memory.displayUri, 'sqlite://:memory:');
    await memory.close();
    await rejectsWith(openTrackingStore({ uri: 'sqlite:', cwd: tmp.dir }), 'USAGE', /unsupported tracking URI/);
    const def = await openTrackingStore({ cwd: tmp.dir, cairnDir: path.join(tmp.dir, '.cairn') });
    assert.equal(def.displayUri, `sqlite://${path.join(tmp.dir, '.cairn', 'tracking.db')}`);
    await def.close();
    await rejectsWith(openTrackingStore({ uri: 'https://tracking.example', cwd: tmp.dir }), 'USAGE', /not available yet/);
    await rejectsWith(openTrackingStore({ uri: 'ftp://x/y', cwd: tmp.dir }), 'USAGE', /unsupported tracking URI/);
    await rejectsWith(openTrackingStore({ cwd: tmp.dir }), 'USAGE', /not a cairn repository/);
  });
});
