import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sh } from '../helpers/cli.js';
import { expRepo } from '../helpers/expRepo.js';
import { cairnInBackground, startSlurm, type SlurmCluster } from '../helpers/slurm.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe('cairn queue start --executor slurm (a real one-node cluster)', () => {
  let cluster: SlurmCluster;
  let repo: Awaited<ReturnType<typeof expRepo>>;
  before(async () => {
    cluster = await startSlurm();
    repo = await expRepo();
  });
  after(async () => {
    await cluster?.stop();
    repo?.cleanup();
  });

  it('submits a grid as one job per experiment, all at once, and tracks each like a local one', async () => {
    const env = cluster.env;
    const q = await repo.run(['exp', 'run', '--queue', '-n', 'grid', '-S', 'train.lr=0.01,0.02,0.03']);
    assert.equal(q.code, 0, q.stderr);
    const start = await repo.run(['queue', 'start', '--executor', 'slurm'], { env });
    assert.equal(start.code, 0, start.stderr);
    const ids = [...start.stderr.matchAll(/submitted (grid-\d) as slurm job (\d+)/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(ids.map(([name]) => name), ['grid-1', 'grid-2', 'grid-3']);
    // All three were submitted before the first finished.
    assert.ok(start.stderr.indexOf('submitted grid-3') < start.stderr.indexOf('finished grid-'), start.stderr);
    assert.match(start.stdout, /3 experiment\(s\) finished, 0 failed/);
    const shown = json(await repo.run(['exp', 'show', '--json'])).filter((r: { kind: string }) => r.kind === 'experiment');
    assert.deepEqual(shown.map((r: { label: string }) => r.label).sort(), ['grid-1', 'grid-2', 'grid-3']);
    assert.match((await repo.run(['queue', 'logs', 'grid-2'])).stdout, /trained 0\.02 3 0\.87/);
    const status = json(await repo.run(['queue', 'status', '--json']));
    assert.deepEqual(status.queued, []);
    assert.deepEqual(status.workers.map((w: { name: string; status: string }) => [w.name, w.status]).sort(), [['grid-1', 'done'], ['grid-2', 'done'], ['grid-3', 'done']]);
    // Each experiment's run was recorded on its node, with its metrics and the job it ran in.
    const runs = json(await repo.run(['runs', 'list', '--json'])).runs as Array<{ info: { run_name: string; run_id: string }; data: { tags: Array<{ key: string; value: string }>; metrics: Array<{ key: string; value: number }> } }>;
    const jobs = new Set(ids.map(([, id]) => id));
    const tagged = runs.filter((r) => r.data.tags.some((t) => t.key === 'cairn.env.slurm_job' && jobs.has(t.value)));
    assert.ok(tagged.length >= 3, JSON.stringify(runs.map((r) => r.data.tags)));
    assert.ok(tagged.some((r) => r.data.metrics.some((m) => m.key === 'score' && m.value === 0.87)));
  });

  it('cancels every submitted experiment on Ctrl-C: the running one ends killed, nothing is saved', async () => {
    assert.equal((await repo.run(['exp', 'run', '--queue', '-n', 'slow', '-S', 'train.depth=5,6'])).code, 0);
    const run = cairnInBackground(repo.dir, ['queue', 'start', '--executor', 'slurm'], { ...repo.env, ...cluster.env, TRAIN_SLEEP: '60' });
    try {
      // Once its stage runs (a cancel during the workspace set-up would only meet Slurm's SIGKILL after KillWait).
      const log = path.join(repo.dir, '.cairn/tmp/queue/slow-1.log');
      const stageRuns = () => existsSync(log) && /Running stage 'train'/.test(readFileSync(log, 'utf8'));
      for (let i = 0; i < 400 && !stageRuns(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(run.out.stderr, /submitted slow-2 as slurm job \d+/);
      run.child.kill('SIGINT');
      assert.equal(await run.code, 130, run.out.stderr);
      assert.match(run.out.stderr, /slow-1 was cancelled while running/);
    } finally {
      run.child.kill('SIGKILL');
    }
    await cluster.drain();
    for (const [, id] of run.out.stderr.matchAll(/submitted slow-\d as slurm job (\d+)/g)) {
      assert.match(cluster.run('scontrol', ['show', 'job', '-o', id]), /JobState=CANCELLED/);
    }
    assert.equal(sh(repo.dir, 'git for-each-ref refs/cairn/exps/slow-1 refs/cairn/exps/slow-2', repo.env), '', 'nothing saved');
    const workers = json(await repo.run(['queue', 'status', '--json'])).workers as Array<{ name: string; status: string }>;
    assert.equal(workers.find((w) => w.name === 'slow-1')?.status, 'killed', JSON.stringify(workers));
  });
});
