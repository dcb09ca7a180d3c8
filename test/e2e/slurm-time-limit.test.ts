import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, writeTree } from '../helpers/cli.js';
import { cairnInBackground, slurmRepo } from '../helpers/slurm.js';

/**
 * A job the scheduler kills at its time limit. Slurm counts limits in whole minutes and checks them every 30 s, so
 * a real `time: 1` would take 60-90 s: the test asks for 1 minute, and once the job runs it lowers the job's limit
 * to 0 with `scontrol update TimeLimit=0` — Slurm itself then ends it as TIMEOUT at its next check (within 30 s).
 */
describe('a Slurm job killed at its time limit, and resuming after it', () => {
  const s = slurmRepo({ before, after });

  it('reports TIMEOUT as the scheduler\'s doing, and a rerun runs only what did not finish', async () => {
    const { repo, env, cluster } = s;
    writeTree(repo.dir, {
      slow: '',
      'cairn.yaml': `stages:
  prepare:
    cmd: echo data > data.txt
    outs: [data.txt]
  train:
    cmd: echo training; if [ -e slow ]; then sleep 120; fi; cat data.txt > model.txt
    deps: [data.txt]
    outs: [model.txt]
    resources: {time: 1}
  evaluate:
    cmd: wc -c < model.txt > score.txt
    deps: [model.txt]
    outs: [score.txt]
`,
    });
    const run = cairnInBackground(repo.dir, ['repro', '--executor', 'slurm'], env);
    try {
      assert.ok(await run.waitForStdout(/\[train\] training/), run.out.stderr);
      const id = /Submitted stage 'train' as slurm job (\d+)/.exec(run.out.stderr)?.[1];
      assert.ok(id, run.out.stderr);
      assert.match(cluster.run('scontrol', ['show', 'job', '-o', id]), /TimeLimit=00:01:00/);
      cluster.run('scontrol', ['update', `JobId=${id}`, 'TimeLimit=0']);
      assert.equal(await run.code, 12, run.out.stderr);
    } finally {
      run.child.kill('SIGKILL');
    }
    const { stdout, stderr } = run.out;
    assert.match(stderr, /stage 'train' was stopped by the scheduler: it reached its time limit \(TIMEOUT; JobState=TIMEOUT Reason=TimeLimit\)/);
    assert.match(stderr, /hint: raise resources.time of the stage in cairn.yaml; then run `cairn repro` again/);
    assert.match(stderr, /\| training/);
    assert.match(stdout, /ran: prepare/);
    assert.match(stdout, /failed: train/);
    assert.match(stdout, /not run: evaluate/);
    assert.equal(existsSync(path.join(repo.dir, 'score.txt')), false);

    // Resume: prepare finished and is not rerun; train and evaluate run now.
    rmSync(path.join(repo.dir, 'slow'));
    const r = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Submitted stage 'prepare'/);
    assert.match(r.stdout, /ran: train, evaluate/);
    assert.match(r.stdout, /up to date: prepare/);
    assert.equal(readFileSync(path.join(repo.dir, 'score.txt'), 'utf8').trim(), '5');
  });
});
