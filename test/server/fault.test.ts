import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { HttpTrackingStore } from '../../src/tracking/http/httpTrackingStore.js';
import { tempDir, testEnv } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

const POINTS = 1000;
const PARAMS = 5;
const TAGS = 10;

/** Batch `i`: its own metric key, params and tags, so what is stored of it can be counted after a crash. */
function batch(i: number, runId: string) {
  return {
    run_id: runId,
    metrics: Array.from({ length: POINTS }, (_, s) => ({ key: `batch.${i}`, value: s / POINTS, step: s, timestamp: 1_700_000_000_000 + s })),
    params: Array.from({ length: PARAMS }, (_, j) => ({ key: `param.${i}.${j}`, value: String(j) })),
    tags: Array.from({ length: TAGS }, (_, j) => ({ key: `tag.${i}.${j}`, value: String(j) })),
  };
}

describe('the server killed mid-batch', () => {
  it('keeps a consistent store in which every batch is all there or not there at all', { timeout: 120_000 }, async (t) => {
    const tmp = tempDir('cairn-fault-');
    t.after(tmp.cleanup);
    const db = path.join(tmp.dir, 'runs.db');
    const env = testEnv(tmp.dir);
    const args = ['--backend-store-uri', `sqlite://${db}`];
    const first = await spawnServer(t, { args, cwd: tmp.dir, env });
    const store = new HttpTrackingStore({ uri: first.url, timeoutMs: 10_000 });
    const { run_id: runId } = await store.createRun({ experiment_id: '0', run_name: 'crash' });

    const sent = new Set<number>();
    const acked = new Set<number>();
    let next = 0;
    let killed = false;
    const sender = async (native: boolean) => {
      while (!killed) {
        const i = next++;
        sent.add(i);
        const b = batch(i, runId);
        try {
          // MLflow's log-batch, and cairn's atomic write with an ingestion checkpoint (the data and the offset together).
          if (native) await store.write([{ op: 'logBatch', ...b }], { source: `fault-${i}`, run_id: runId, offset: i + 1, expected_offset: 0 });
          else await store.client.json('POST', 'api/2.0/mlflow/runs/log-batch', { body: b, doing: 'log a batch' });
          acked.add(i);
        } catch {
          return; // the server is gone
        }
      }
    };
    const senders = [sender(false), sender(false), sender(true), sender(true)];
    while (acked.size < 24) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    assert.equal(await first.stop('SIGKILL'), 'SIGKILL');
    await Promise.all(senders);
    const unacknowledged = [...sent].filter((i) => !acked.has(i));
    assert.ok(unacknowledged.length > 0, 'some batches were in flight when the server died');

    const second = await spawnServer(t, { args, cwd: tmp.dir, env });
    const after = new HttpTrackingStore({ uri: second.url });
    const run = await after.getRun(runId);
    let whole = 0;
    for (const i of sent) {
      const points = (await after.getMetricHistory(runId, `batch.${i}`, { max_results: 5000 })).metrics.length;
      const params = run.data.params.filter((p) => p.key.startsWith(`param.${i}.`)).length;
      const tags = run.data.tags.filter((x) => x.key.startsWith(`tag.${i}.`)).length;
      const latest = run.data.metrics.filter((m) => m.key === `batch.${i}`);
      const state = [points, params, tags, latest.length];
      assert.ok(
        String(state) === String([0, 0, 0, 0]) || String(state) === String([POINTS, PARAMS, TAGS, 1]),
        `batch ${i} is partly there: ${points} points, ${params} params, ${tags} tags, ${latest.length} latest values`,
      );
      if (acked.has(i)) assert.equal(points, POINTS, `batch ${i} was acknowledged, so it is there`);
      if (points) {
        whole++;
        assert.equal(latest[0].step, POINTS - 1);
      }
      // A native batch's checkpoint is there exactly when its data is (MLflow's batches have none).
      const offset = await after.getIngestOffset(`fault-${i}`);
      assert.ok(offset === 0 || (offset === i + 1 && points === POINTS), `batch ${i}: checkpoint ${offset} with ${points} points`);
    }
    assert.ok(whole >= acked.size);
    // The server goes on taking writes on the recovered store.
    await after.write([{ op: 'logBatch', ...batch(next, runId) }]);
    assert.equal((await after.getMetricHistory(runId, `batch.${next}`, { max_results: 5000 })).metrics.length, POINTS);
    assert.equal(await second.stop('SIGTERM'), 0);
    const raw = new Database(db, { readonly: true });
    t.after(() => raw.close());
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(raw.pragma('foreign_key_check'), []);
  });
});
