import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sh, writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite/sqliteTrackingStore.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
type Run = { info: { run_id: string; run_name: string; status: string }; data: { metrics: Array<{ key: string; value: number; step: number }>; params: Array<{ key: string; value: string }>; tags: Array<{ key: string; value: string }> }; inputs: { dataset_inputs: Array<{ dataset: { name: string; digest: string }; tags: Array<{ key: string; value: string }> }> } };
const tag = (r: Run, key: string) => r.data.tags.find((t) => t.key === key)?.value;

/** A stage that logs through the Python client (no set-up: stages get it on PYTHONPATH) and through the raw events file. */
const TRAIN_PY = `import json, os, cairn
with cairn.start_run():
    cairn.log_param("batch", 32)
    for step in range(5):
        cairn.log_metric("loss", 1.0 / (step + 1), step=step)
if "CAIRN_EVENTS" in os.environ:
    with open(os.environ["CAIRN_EVENTS"], "a") as f:
        f.write('{"metric": "shell_metric", "value": 7, "step": 1}\\n')
os.makedirs("dvclive/plots/metrics", exist_ok=True)
open("dvclive/plots/metrics/acc.tsv", "w").write("timestamp\\tstep\\tacc\\n1700000000000\\t0\\t0.5\\n1700000001000\\t1\\t0.75\\n")
json.dump({"f1": 0.8}, open("metrics.json", "w"))
`;
const PIPELINE = `stages:
  train:
    cmd: python3 train.py
    deps: [train.py, data.csv]
    params: [train.lr]
    metrics:
      - metrics.json:
          cache: false
    plots:
      - dvclive/plots/metrics
`;

async function trackedRepo() {
  const repo = await cairnRepo();
  writeTree(repo.dir, { 'params.yaml': 'train:\n  lr: 0.1\n', 'train.py': TRAIN_PY, 'cairn.yaml': PIPELINE, 'data.csv': 'a,b\n1,2\n' });
  return repo;
}

async function runs(repo: Awaited<ReturnType<typeof trackedRepo>>): Promise<Run[]> {
  const list = json(await repo.run(['runs', 'list', '--json'])).runs as Run[];
  return Promise.all(list.map(async (r) => json(await repo.run(['runs', 'show', r.info.run_id, '--json'])) as Run));
}

describe('runs recorded by cairn repro and cairn exp run', () => {
  it('records a parent run and a run per stage that ran, with params, metrics, series, data versions, logs and environment', async (t) => {
    const repo = await trackedRepo();
    t.after(() => repo.cleanup());
    const r = await repo.run(['repro']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /recorded as run [0-9a-f]{8}/);
    const all = await runs(repo);
    assert.equal(all.length, 2);
    const stage = all.find((x) => x.info.run_name === 'train')!;
    const parent = all.find((x) => x !== stage)!;
    assert.equal(tag(stage, 'mlflow.parentRunId'), parent.info.run_id);
    assert.equal(stage.info.status, 'FINISHED');
    assert.deepEqual(stage.data.params.map((p) => [p.key, p.value]).sort(), [['batch', '32'], ['train.lr', '0.1']]);
    const latest = Object.fromEntries(stage.data.metrics.map((m) => [m.key, [m.value, m.step]]));
    assert.deepEqual(latest.loss, [0.2, 4], 'the Python client, inside the stage, logged to the stage run');
    assert.deepEqual(latest.shell_metric, [7, 1], 'any program can append to CAIRN_EVENTS');
    assert.deepEqual(latest.f1, [0.8, 0], 'the stage metrics file');
    assert.deepEqual(latest.acc, [0.75, 1], "DVCLive's plots/metrics series");
    const lock = sh(repo.dir, 'cat cairn.lock', repo.env);
    const data = stage.inputs.dataset_inputs.find((d) => d.dataset.name === 'data.csv')!;
    assert.ok(lock.includes(data.dataset.digest), 'the data version is the oid cairn.lock records');
    const store = await SqliteTrackingStore.open({ file: path.join(repo.dir, '.cairn/tracking.db') });
    t.after(() => store.close());
    const history = (await store.getMetricHistory(stage.info.run_id, 'loss')).metrics.map((m) => m.step);
    assert.deepEqual(history, [0, 1, 2, 3, 4]);
    assert.deepEqual((await store.listArtifacts(stage.info.run_id)).map((a) => a.path).filter((p) => p.startsWith('logs/')), ['logs/train.log']);
    assert.equal(tag(parent, 'mlflow.source.git.commit'), sh(repo.dir, 'git rev-parse HEAD', repo.env).trim());
    assert.match(tag(parent, 'cairn.env.os') ?? '', /Linux/);
    assert.ok((await store.listArtifacts(parent.info.run_id)).some((a) => a.path === 'environment.json'));
    assert.equal(tag(parent, 'cairn.git.dirty'), 'false', 'the new files are untracked, not modifications');
  });

  it('a no-op repro records nothing; --no-record and tracking.record false record nothing either', async (t) => {
    const repo = await trackedRepo();
    t.after(() => repo.cleanup());
    assert.equal((await repo.run(['repro', '--no-record'])).code, 0);
    // Only the run the script itself started through the client (outside any stage run) is there.
    const own = await runs(repo);
    assert.deepEqual(own.map((r) => tag(r, 'cairn.stage')), [undefined]);
    assert.equal((await repo.run(['repro'])).code, 0, 'nothing changed');
    assert.equal((await runs(repo)).length, 1);
    assert.equal((await repo.run(['config', 'tracking.record', 'false'])).code, 0);
    assert.equal((await repo.run(['repro', '-f'])).code, 0);
    assert.equal((await runs(repo)).length, 2);
    assert.ok((await runs(repo)).every((r) => tag(r, 'cairn.stage') === undefined), 'no stage runs');
  });

  it('a failing stage is a FAILED run under a FAILED parent', async (t) => {
    const repo = await trackedRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'train.py': 'import sys\nprint("boom")\nsys.exit(2)\n' });
    assert.equal((await repo.run(['repro'])).code, 12);
    const all = await runs(repo);
    assert.deepEqual(all.map((r) => r.info.status).sort(), ['FAILED', 'FAILED']);
  });

  it('an experiment is a parent run named after it, tagged with its commit, and its commit names the run', async (t) => {
    const repo = await trackedRepo();
    t.after(() => repo.cleanup());
    assert.equal((await repo.run(['repro', '--no-record'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm base', repo.env);
    const r = await repo.run(['exp', 'run', '-n', 'lr2', '-S', 'train.lr=0.2']);
    assert.equal(r.code, 0, r.stderr);
    const all = await runs(repo);
    const parent = all.find((x) => x.info.run_name === 'lr2')!;
    assert.ok(parent, all.map((x) => x.info.run_name).join(','));
    assert.equal(tag(parent, 'cairn.exp.commit'), sh(repo.dir, 'git rev-parse refs/cairn/exps/lr2', repo.env).trim());
    assert.ok(parent.data.params.some((p) => p.key === 'train.lr' && p.value === '0.2'));
    assert.ok(parent.data.metrics.some((m) => m.key === 'f1'));
    assert.match(sh(repo.dir, 'git log -1 --format=%B refs/cairn/exps/lr2', repo.env), new RegExp(`"runId":"${parent.info.run_id}"`));
    const child = all.find((x) => tag(x, 'mlflow.parentRunId') === parent.info.run_id)!;
    assert.equal(child.info.run_name, 'train');
  });
});
