import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CAIRN_BIN, cairn, tempGitRepo, testEnv, writeTree } from '../helpers/cli.js';
import { startSlurm, type SlurmCluster } from '../helpers/slurm.js';

/**
 * A job the scheduler kills at its time limit. Slurm counts limits in whole minutes and checks them every 30 s, so
 * a real `time: 1` would take 60-90 s: the test asks for 1 minute, and once the job runs it lowers the job's limit
 * to 0 with `scontrol update TimeLimit=0` — Slurm itself then ends it as TIMEOUT at its next check (within 30 s).
 */
describe('a Slurm job killed at its time limit, and resuming after it', () => {
  let cluster: SlurmCluster;
  let repo: ReturnType<typeof tempGitRepo>;
  let env: Record<string, string>;
  before(async () => {
    cluster = await startSlurm();
    repo = tempGitRepo();
    env = { ...repo.env, ...cluster.env };
    assert.equal((await cairn(repo.dir, ['init'], env)).code, 0);
  });
  after(async () => {
    await cluster?.stop();
    repo?.cleanup();
  });

  it('reports TIMEOUT as the scheduler\'s doing, and a rerun runs only what did not finish', async () => {
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
    const child = spawn(process.execPath, [CAIRN_BIN, 'repro', '--executor', 'slurm'], { cwd: repo.dir, env: { ...testEnv(repo.home), ...env } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 400 && !/\[train\] training/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
      const id = /Submitted stage 'train' as slurm job (\d+)/.exec(stderr)?.[1];
      assert.ok(id && /training/.test(stdout), stderr);
      assert.match(cluster.run('scontrol', ['show', 'job', '-o', id]), /TimeLimit=00:01:00/);
      cluster.run('scontrol', ['update', `JobId=${id}`, 'TimeLimit=0']);
      assert.equal(await code, 12, stderr);
    } finally {
      child.kill('SIGKILL');
    }
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
