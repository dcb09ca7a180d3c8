import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite/sqliteTrackingStore.js';
import type { TrackingStore } from '../../src/tracking/trackingStore.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

const TRAIN_PY = `import cairn
with cairn.start_run():
    cairn.log_param("batch", 32)
    cairn.log_input("data.csv", "d" * 64, context="training")
    for step in range(300):
        cairn.log_metric("loss", 1.0 / (step + 1), step=step)
        cairn.log_metric("acc", step / 300.0, step=step)
    cairn.log_text("weights", "model/weights.txt")
`;
const PIPELINE = 'stages:\n  train:\n    cmd: python3 train.py\n    deps: [train.py]\n';

/** Everything a store says about its runs, to compare two stores (or one store at two times). */
async function census(store: TrackingStore) {
  const runs = (await store.searchRuns({ run_view_type: 'ALL' })).runs;
  const out: Record<string, unknown> = {};
  for (const r of runs) {
    const points: Record<string, number> = {};
    for (const m of r.data.metrics) points[m.key] = (await store.getMetricHistory(r.info.run_id, m.key, { max_results: 25_000 })).metrics.length;
    const experiment = (await store.getExperiment(r.info.experiment_id)).name;
    out[r.info.run_id] = {
      name: r.info.run_name, status: r.info.status, lifecycle: r.info.lifecycle_stage, experiment, start: r.info.start_time, end: r.info.end_time,
      params: r.data.params.map((p) => `${p.key}=${p.value}`).sort(),
      tags: r.data.tags.map((t) => `${t.key}=${t.value}`).sort(),
      points, inputs: r.inputs.dataset_inputs.length,
      artifacts: (await store.listArtifacts(r.info.run_id)).map((a) => `${a.path}@${a.oid}`),
    };
  }
  return out;
}

describe('cairn runs push', () => {
  it('uploads the runs recorded here with everything they hold, and pushing again adds nothing', async (t) => {
    const server: TestServer = await startTestServer(t);
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'train.py': TRAIN_PY, 'cairn.yaml': PIPELINE });
    assert.equal((await repo.run(['repro'])).code, 0);
    const del = await repo.run(['exp', 'run', '-n', 'second']);
    assert.equal(del.code, 0, del.stderr);
    const local = await SqliteTrackingStore.open({ file: path.join(repo.dir, '.cairn', 'tracking.db') });
    t.after(() => local.close());
    const all = (await local.searchRuns({})).runs;
    assert.ok(all.length >= 3, 'repro and exp run recorded runs');
    // The oldest is deleted here: only --all pushes it.
    const runIds = all.map((r) => r.info.run_id).reverse();
    await local.deleteRun(runIds[0]);
    const points = (census: Record<string, unknown>) => Object.values(census).reduce<number>((n, r) => n + Object.values((r as { points: Record<string, number> }).points).reduce((a, b) => a + b, 0), 0);

    const first = await repo.run(['runs', 'push', server.url, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const pushed = json(first);
    const here = await census(local);
    delete here[runIds[0]];
    assert.equal(pushed.runs, all.length - 1, 'active runs only by default');
    assert.equal(pushed.points, points(here));
    assert.ok(pushed.points >= 600);
    assert.ok(pushed.objects_uploaded > 0);
    assert.deepEqual(await census(server.ctx.tracking), here, 'the server holds exactly what is here, with the same run ids');

    const again = await repo.run(['runs', 'push', server.url, '--all', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(json(again).runs, all.length);
    assert.equal(json(again).objects_uploaded, 0, 'objects already there are not sent again');
    const twice = await census(server.ctx.tracking);
    assert.deepEqual(twice, await census(local), 'no run, point, param, tag, input or artifact twice; the deleted run is deleted there too');
    const third = await repo.run(['runs', 'push', server.url, '--all']);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr + third.stdout, new RegExp(`Pushed ${all.length} runs to http://127\\.0\\.0\\.1:\\d+`));
    assert.deepEqual(await census(server.ctx.tracking), twice);
    const stored = await server.ctx.objects!.exists(Object.values(twice).flatMap((r) => (r as { artifacts: string[] }).artifacts.map((a) => a.split('@')[1])));
    assert.ok(stored.size > 0);
  });

  it('refuses a URL that is not a server, and a changed param names the run', async (t) => {
    const server = await startTestServer(t);
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'train.py': TRAIN_PY, 'cairn.yaml': PIPELINE });
    assert.equal((await repo.run(['repro'])).code, 0);
    const bad = await repo.run(['runs', 'push', 'ftp://x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not the URL of a cairn server/);
    const local = await SqliteTrackingStore.open({ file: path.join(repo.dir, '.cairn', 'tracking.db') });
    t.after(() => local.close());
    const stage = (await local.searchRuns({ filter: "attributes.run_name = 'train'" })).runs[0];
    await server.ctx.tracking.write([
      { op: 'ensureRun', run: { run_id: stage.info.run_id, experiment_id: '0' } },
      { op: 'logBatch', run_id: stage.info.run_id, params: [{ key: 'batch', value: '64' }] },
    ]);
    const conflict = await repo.run(['runs', 'push', server.url, stage.info.run_id]);
    assert.equal(conflict.code, 5, conflict.stderr);
    assert.match(conflict.stderr, new RegExp(`run ${stage.info.run_id} on http://127\\.0\\.0\\.1:\\d+ differs from the local one`));
  });
});
