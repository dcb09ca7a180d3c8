import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PYTHON_CLIENT_DIR } from '../../src/sdk/index.js';
import { sh, writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';
import { startTestServer } from '../helpers/server.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

/** A stage that logs through the Python client and writes a plot and a model. */
const TRAIN_PY = `import json, os, re, cairn
lr = float(re.search(r"lr: ([0-9.e-]+)", open("params.yaml").read()).group(1))
with cairn.start_run():
    cairn.log_param("batch", 32)
    for step in range(5):
        cairn.log_metric("loss", lr / (step + 1), step=step)
    cairn.log_text("weights for lr=%s" % lr, "model/weights.txt")
json.dump({"f1": round(1 - lr, 3)}, open("metrics.json", "w"))
`;
const PIPELINE = `stages:
  train:
    cmd: python3 train.py
    deps: [train.py]
    params: [train.lr]
    metrics:
      - metrics.json:
          cache: false
`;

describe('the CLI over a tracking server (CAIRN_TRACKING_URI=http://...)', () => {
  it('records repro and exp run on the server, artifacts included, and lists and shows them from it', async (t) => {
    const server = await startTestServer(t);
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'params.yaml': 'train:\n  lr: 0.1\n', 'train.py': TRAIN_PY, 'cairn.yaml': PIPELINE });
    const env = { CAIRN_TRACKING_URI: server.url };

    const r = await repo.run(['repro'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(path.join(repo.dir, '.cairn', 'tracking.db')), false, 'nothing is recorded locally');
    const onServer = await server.ctx.tracking.searchRuns({});
    assert.equal(onServer.runs.length, 2, 'the pipeline run and the stage run');
    const stage = onServer.runs.find((x) => x.info.run_name === 'train')!;
    assert.equal(stage.info.status, 'FINISHED');
    assert.deepEqual((await server.ctx.tracking.getMetricHistory(stage.info.run_id, 'loss')).metrics.map((m) => m.step), [0, 1, 2, 3, 4]);
    assert.deepEqual(stage.data.params.map((p) => [p.key, p.value]).sort(), [['batch', '32'], ['train.lr', '0.1']]);
    const artifacts = await server.ctx.tracking.listArtifacts(stage.info.run_id);
    const weights = artifacts.find((a) => a.path === 'model/weights.txt');
    assert.ok(weights, artifacts.map((a) => a.path).join(', '));
    assert.ok(artifacts.some((a) => a.path === 'logs/train.log'));
    const stored = await server.ctx.objects!.exists(artifacts.map((a) => a.oid));
    assert.equal(stored.size, new Set(artifacts.map((a) => a.oid)).size, 'every artifact object reached the server');
    const bytes: Buffer[] = [];
    for await (const chunk of await server.ctx.objects!.download(weights.oid)) bytes.push(chunk as Buffer);
    assert.equal(Buffer.concat(bytes).toString(), 'weights for lr=0.1');
    const viaMlflow = await fetch(new URL(`api/2.0/mlflow-artifacts/artifacts/${stage.info.experiment_id}/${stage.info.run_id}/artifacts/model/weights.txt`, server.url));
    assert.equal(await viaMlflow.text(), 'weights for lr=0.1', "MLflow's clients read what cairn's uploaded");

    const list = await repo.run(['runs', 'list', '--json'], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(json(list).runs.map((x: { info: { run_id: string } }) => x.info.run_id).sort(), onServer.runs.map((x) => x.info.run_id).sort());
    const show = await repo.run(['runs', 'show', stage.info.run_id.slice(0, 8), '--json'], { env });
    assert.equal(show.code, 0, show.stderr);
    assert.equal(json(show).info.run_id, stage.info.run_id);
    const text = await repo.run(['runs', 'show', stage.info.run_id], { env });
    assert.match(text.stdout, /loss/);

    sh(repo.dir, 'git add -A && git commit -q -m baseline', repo.env);
    const exp = await repo.run(['exp', 'run', '-n', 'low-lr', '-S', 'train.lr=0.05'], { env });
    assert.equal(exp.code, 0, exp.stderr);
    const expRuns = (await server.ctx.tracking.searchRuns({ filter: "tags.`cairn.exp` = 'low-lr'" })).runs;
    assert.ok(expRuns.length >= 1, 'the experiment is recorded on the server');
    const expStage = (await server.ctx.tracking.searchRuns({ filter: "attributes.run_name = 'train' and params.`train.lr` = '0.05'" })).runs;
    assert.equal(expStage.length, 1);
    assert.equal(expStage[0].data.metrics.find((m) => m.key === 'f1')?.value, 0.95);
    const shown = await repo.run(['exp', 'show', '--json'], { env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /low-lr/);
  });

  it('sends the runs a script left in the outbox while the server was down with the next `cairn runs` command', async (t) => {
    const server = await startTestServer(t);
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'log.py': 'import cairn\nwith cairn.start_run(name="offline") as run:\n    cairn.log_metric("loss", 0.5)\n    cairn.log_text("x", "notes/x.txt")\nprint(run.info.run_id)\n' });
    const down = 'http://127.0.0.1:9';
    const py = spawnSync('python3', ['log.py'], { cwd: repo.dir, env: { ...repo.env, PYTHONPATH: PYTHON_CLIENT_DIR, CAIRN_TRACKING_URI: down }, encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.match(py.stderr, /could not reach the tracking server/);
    const runId = py.stdout.trim();
    const outbox = path.join(repo.dir, '.cairn', 'tracking', 'outbox');
    assert.deepEqual(readdirSync(outbox).sort(), [`${runId}.jsonl`, `${runId}.jsonl.d`]);
    const list = await repo.run(['runs', 'list', '--json'], { env: { CAIRN_TRACKING_URI: server.url } });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(json(list).runs.map((r: { info: { run_id: string } }) => r.info.run_id), [runId]);
    const run = await server.ctx.tracking.getRun(runId);
    assert.equal(run.info.status, 'FINISHED');
    assert.deepEqual((await server.ctx.tracking.listArtifacts(runId)).map((a) => a.path), ['notes/x.txt']);
    assert.deepEqual(readdirSync(outbox), [], 'sent and removed');
  });

  it('fails clearly when the server is down, naming it without its password', async (t) => {
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    const r = await repo.run(['runs', 'list'], { env: { CAIRN_TRACKING_URI: 'http://ann:s3cret@127.0.0.1:9' } });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /could not reach the tracking server http:\/\/127\.0\.0\.1:9/);
    assert.doesNotMatch(r.stderr, /s3cret/);
  });
});
