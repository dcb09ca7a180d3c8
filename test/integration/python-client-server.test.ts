import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PYTHON_CLIENT_DIR } from '../../src/sdk/index.js';
import { tempDir, testEnv } from '../helpers/cli.js';
import { startLogging, waitForPoints } from '../helpers/loggingProcess.js';
import { startTestServer } from '../helpers/server.js';

const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;

const SCRIPT = `import os, sys, time, cairn
with cairn.start_run(name="remote", experiment="py-server", tags={"team": "vision"}) as run:
    print(run.info.run_id, flush=True)
    cairn.log_params({"lr": 0.1, "opt": "adam"})
    for step in range(2000):
        cairn.log_metric("loss", 1.0 / (step + 1), step=step)
    with cairn.start_run(name="child", nested=True):
        cairn.log_metric("inner", 3.5)
    # Wait until the test has seen the points arrive while the run is still going.
    for _ in range(200):
        if os.path.exists(sys.argv[1]):
            break
        time.sleep(0.05)
    cairn.log_text("hello from python", "notes/hello.txt")
    cairn.log_metric("after", float("nan"))
`;

describe('the Python client logging to a cairn server', { skip: python ? false : 'python3 is not installed' }, () => {
  it('sends the run while it goes on, then the rest with its artifacts, and leaves no outbox file', async (t) => {
    const server = await startTestServer(t);
    const tmp = tempDir('cairn-py-server-');
    t.after(tmp.cleanup);
    const script = path.join(tmp.dir, 'train.py');
    writeFileSync(script, SCRIPT);
    const go = path.join(tmp.dir, 'go');
    const env = { ...testEnv(tmp.dir), PYTHONPATH: PYTHON_CLIENT_DIR, CAIRN_TRACKING_URI: server.url, TMPDIR: tmp.dir };
    const proc = await startLogging(t, python!, [script, go], { cwd: tmp.dir, env });
    const runId = proc.runId;
    // Live: the points arrive while the program waits.
    assert.equal(await waitForPoints(server.ctx.tracking, runId, 'loss', 2000), 2000, 'every point reached the server before the run ended');
    assert.equal((await server.ctx.tracking.getRun(runId)).info.status, 'RUNNING');
    writeFileSync(go, '');
    assert.equal(await proc.exited, 0, proc.stderr());

    const run = await server.ctx.tracking.getRun(runId);
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.info.run_name, 'remote');
    assert.equal((await server.ctx.tracking.getExperiment(run.info.experiment_id)).name, 'py-server');
    assert.deepEqual(run.data.params.map((p) => [p.key, p.value]).sort(), [['lr', '0.1'], ['opt', 'adam']]);
    assert.equal(run.data.tags.find((x) => x.key === 'team')?.value, 'vision');
    assert.ok(Number.isNaN(run.data.metrics.find((m) => m.key === 'after')!.value));
    assert.equal((await server.ctx.tracking.getMetricHistory(runId, 'loss', { max_results: 5000 })).metrics.length, 2000, 'no point twice');
    const children = await server.ctx.tracking.searchRuns({ filter: `tags.\`mlflow.parentRunId\` = '${runId}'` });
    assert.deepEqual(children.runs.map((r) => [r.info.run_name, r.info.status, r.info.experiment_id]), [['child', 'FINISHED', run.info.experiment_id]]);
    const artifacts = await server.ctx.tracking.listArtifacts(runId);
    assert.deepEqual(artifacts.map((a) => a.path), ['notes/hello.txt']);
    assert.ok((await server.ctx.objects!.exists([artifacts[0].oid])).has(artifacts[0].oid), 'the artifact bytes are on the server');
    assert.deepEqual(readdirSync(path.join(tmp.dir, 'cairn-outbox')), [], 'the outbox file and its copies are gone');
    assert.equal(existsSync(path.join(tmp.dir, '.cairn')), false);
  });
});
