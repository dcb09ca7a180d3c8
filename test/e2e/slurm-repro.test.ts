import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, writeTree } from '../helpers/cli.js';
import { cairnInBackground, slurmRepo } from '../helpers/slurm.js';

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');
const jobOf = (stderr: string, stage: string) => {
  const m = new RegExp(`Submitted stage '${stage}' as slurm job (\\d+)`).exec(stderr);
  assert.ok(m, `stage ${stage} was not submitted:\n${stderr}`);
  return m[1];
};

describe('cairn repro --executor slurm (a real one-node cluster)', () => {
  const s = slurmRepo({ before, after });

  it('runs a DAG as sbatch jobs with afterok dependencies and records every output in cairn.lock', async () => {
    const { repo, env, cluster } = s;
    writeTree(repo.dir, {
      'in.txt': 'x\n',
      'cairn.yaml': `stages:
  a:
    cmd: echo a-$(cat in.txt) > a.out && echo "hello from a on $SLURM_JOB_NODELIST"
    deps: [in.txt]
    outs: [a.out]
    resources: {cpus: 2, mem: 100M}
    sbatch: [--comment=from-cairn]
  b:
    cmd: [echo b > b.out, echo "job $SLURM_JOB_ID" >&2]
    deps: [in.txt]
    outs: [b.out]
  c:
    cmd: cat a.out b.out > c.out
    deps: [a.out, b.out]
    outs: [c.out]
`,
    });
    const r = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
    assert.equal(r.code, 0, r.stderr);
    const [a, b, c] = ['a', 'b', 'c'].map((s) => jobOf(r.stderr, s));
    assert.match(r.stderr, new RegExp(`Submitted stage 'c' as slurm job ${c}, after a \\(${a}\\), b \\(${b}\\)`));
    // c was submitted before a finished: the whole graph went to the cluster at once.
    assert.ok(r.stderr.indexOf(`Submitted stage 'c'`) < r.stderr.indexOf(`Stage 'a' (job ${a}) finished`), r.stderr);
    assert.match(r.stderr, new RegExp(`Stage 'c' \\(job ${c}\\) is pending: Dependency`));
    assert.match(r.stdout, /\[a\] hello from a on localhost/);
    assert.match(r.stdout, /ran: a, b, c/);
    assert.equal(read(repo.dir, 'c.out'), 'a-x\nb\n');
    const lock = read(repo.dir, 'cairn.lock');
    for (const out of ['a.out', 'b.out', 'c.out']) assert.match(lock, new RegExp(`path: ${out.replace('.', '\\.')}`));
    // The job's output came back into cairn's per-stage log.
    assert.match(read(repo.dir, '.cairn/tmp/logs/b.log'), new RegExp(`job ${b}`));
    // resources and raw sbatch options reached Slurm.
    const shown = cluster.run('scontrol', ['show', 'job', '-o', a]);
    assert.match(shown, /MinMemoryNode=100M/);
    assert.match(shown, /NumCPUs=2/);
    assert.match(shown, /Comment=from-cairn/);
  });

  it('skips unchanged stages before submitting anything, and runs only what changed', async () => {
    const { repo, env, cluster } = s;
    let r = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Submitted/);
    assert.match(r.stdout, /up to date: a, b, c/);
    // Resources are not part of a stage's identity: asking for other ones reruns nothing.
    const asked = read(repo.dir, 'cairn.yaml');
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), asked.replace('resources: {cpus: 2, mem: 100M}', 'resources: {cpus: 1, mem: 200M, time: "10"}'));
    r = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
    assert.match(r.stdout, /up to date: a, b, c/);
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), asked);
    // Only b's command changes: a is not resubmitted, c runs after b (its upstream runs in this batch).
    const yaml = read(repo.dir, 'cairn.yaml').replace('echo b > b.out', 'echo B > b.out');
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), yaml);
    r = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Submitted stage 'a'/);
    const b = jobOf(r.stderr, 'b');
    assert.match(r.stderr, new RegExp(`Submitted stage 'c' as slurm job \\d+, after b \\(${b}\\)`));
    assert.equal(read(repo.dir, 'c.out'), 'a-x\nB\n');
    // Back to the old command, with Slurm as the configured executor: the run cache restores b and c without a job.
    assert.equal((await cairn(repo.dir, ['config', 'pipeline.executor', 'slurm'], env)).code, 0);
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), yaml.replace('echo B > b.out', 'echo b > b.out'));
    r = await cairn(repo.dir, ['repro'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Submitted/);
    assert.match(r.stdout, /restored from run cache: b, c/);
    // The configured executor is used when no --executor is given.
    writeFileSync(path.join(repo.dir, 'in.txt'), 'y\n');
    r = await cairn(repo.dir, ['repro'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Submitted stage 'a' as slurm job \d+/);
    assert.equal((await cairn(repo.dir, ['config', '--unset', 'pipeline.executor'], env)).code, 0);
  });

  it('reports a failing job with its exit code and log tail, and does not run its dependants', async () => {
    const { repo, env, cluster } = s;
    writeTree(repo.dir, {
      'fail/cairn.yaml': `stages:
  bad:
    cmd: [echo starting, 'echo "the last words" && exit 3']
    outs: [bad.out]
  after_bad:
    cmd: cat bad.out > after.out
    deps: [bad.out]
    outs: [after.out]
`,
    });
    const r = await cairn(repo.dir, ['repro', '--executor', 'slurm', 'fail/cairn.yaml'], env);
    assert.equal(r.code, 12, r.stderr);
    assert.match(r.stderr, /stage 'fail\/cairn.yaml:bad' failed: `echo "the last words" && exit 3` exited with code 3/);
    assert.match(r.stderr, /\| the last words/);
    assert.match(r.stderr, /job: \d+/);
    assert.match(r.stdout, /not run: fail\/cairn.yaml:after_bad/);
    assert.equal(existsSync(path.join(repo.dir, 'fail/cairn.lock')), false);
    await cluster.drain();
  });

  it('says what Slurm refused (a partition it does not have), and leaves nothing queued', async () => {
    const { repo, env, cluster } = s;
    writeTree(repo.dir, {
      'refused/cairn.yaml': `stages:
  first:
    cmd: sleep 5; echo 1 > first.out
    outs: [first.out]
  gpu:
    cmd: echo 1 > gpu.out
    deps: [first.out]
    outs: [gpu.out]
    resources: {partition: nosuchpart}
`,
    });
    const r = await cairn(repo.dir, ['repro', '--executor', 'slurm', 'refused/cairn.yaml'], env);
    assert.equal(r.code, 12, r.stderr);
    assert.match(r.stderr, /Slurm refused stage 'refused\/cairn.yaml:gpu': invalid partition specified: nosuchpart/);
    assert.match(r.stdout, /not run: refused\/cairn.yaml:first/);
    assert.equal(cluster.run('squeue', ['-h', '-t', 'PD,R', '-o', '%i']).trim(), '');
  });

  it('cancels every job it submitted on Ctrl-C (SIGINT), and exits 130', async () => {
    const { repo, env, cluster } = s;
    writeTree(repo.dir, {
      'slow/cairn.yaml': `stages:
  sleepy:
    cmd: echo started; sleep 60; echo 1 > s.out
    outs: [s.out]
  later:
    cmd: cat s.out > l.out
    deps: [s.out]
    outs: [l.out]
`,
    });
    const run = cairnInBackground(repo.dir, ['repro', '--executor', 'slurm', 'slow/cairn.yaml'], env);
    try {
      assert.ok(await run.waitForStdout(/\[slow\/cairn.yaml:sleepy\] started/), run.out.stderr);
      run.child.kill('SIGINT');
      assert.equal(await run.code, 130, run.out.stderr);
    } finally {
      run.child.kill('SIGKILL');
    }
    const { stdout, stderr } = run.out;
    const sleepy = jobOf(stderr, 'slow/cairn.yaml:sleepy');
    const later = jobOf(stderr, 'slow/cairn.yaml:later');
    await cluster.drain();
    for (const id of [sleepy, later]) assert.match(cluster.run('scontrol', ['show', 'job', '-o', id]), /JobState=CANCELLED/);
    assert.match(stdout, /interrupted \(did not finish\): slow\/cairn.yaml:sleepy/);
    assert.match(stdout, /not run: slow\/cairn.yaml:later/);
  });
});
