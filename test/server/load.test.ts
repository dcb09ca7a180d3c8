import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpTrackingStore } from '../../src/tracking/http/httpTrackingStore.js';
import { startTestServer } from '../helpers/server.js';

const CLIENTS = 50;
const POINTS = 10_000;
const BATCH = 1000;

describe('the server under load', () => {
  it(`loses no point when ${CLIENTS} clients each log ${POINTS} points at once`, { timeout: 300_000 }, async (t) => {
    const server = await startTestServer(t);
    const started = Date.now();
    const runIds = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        // Each client is its own store (its own connections), as 50 training processes would be.
        const store = new HttpTrackingStore({ uri: server.url, user: `client-${c}` });
        const { run_id } = await store.createRun({ experiment_id: '0', run_name: `client-${c}` });
        for (let from = 0; from < POINTS; from += BATCH) {
          const metrics = Array.from({ length: BATCH }, (_, i) => ({ key: 'loss', value: 1 / (from + i + 1), step: from + i, timestamp: started + from + i }));
          // Half the clients use MLflow's log-batch (what MLflow's clients send), half cairn's atomic write.
          if (c % 2 === 0) await store.write([{ op: 'logBatch', run_id, metrics }]);
          else await store.client.json('POST', 'api/2.0/mlflow/runs/log-batch', { body: { run_id, metrics }, doing: 'log a batch' });
        }
        await store.write([{ op: 'updateRun', run_id, status: 'FINISHED', end_time: Date.now() }]);
        return run_id;
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`${CLIENTS * POINTS} points in ${seconds.toFixed(1)} s (${Math.round((CLIENTS * POINTS) / seconds)} points/s)`);

    const reader = new HttpTrackingStore({ uri: server.url });
    for (const runId of runIds) {
      const history = await reader.getMetricHistory(runId, 'loss', { max_results: 25_000 });
      assert.equal(history.metrics.length, POINTS, `run ${runId} has every point`);
      assert.ok(history.metrics.every((m, i) => m.step === i), 'every step once, in order');
      const run = await reader.getRun(runId);
      assert.equal(run.info.status, 'FINISHED');
      assert.equal(run.data.metrics.find((m) => m.key === 'loss')?.step, POINTS - 1, 'the latest value is the last step');
    }
    const all = await reader.searchRuns({ max_results: 1000 });
    assert.equal(all.runs.length, CLIENTS);
  });
});
