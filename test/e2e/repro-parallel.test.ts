import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CAIRN_BIN, cairn, tempGitRepo, testEnv, writeTree } from '../helpers/cli.js';

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');

/** Whether a process runs (a zombie left for a reaper that never comes, as under some container inits, does not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills what is left of a process's group (a failed test must not leave the stubborn stage running). */
function killGroupOf(pid: number): void {
  try {
    const pgid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\) /, '').split(' ')[2]);
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), 'condition never became true');
};

// Each of a and b waits until the other has started: that proves they ran at the same time without timing anything.
// With -j 1 the wait gives up after a while and the stage fails, so a regression fails rather than hangs.
const rendezvous = (me: string, other: string) =>
  `touch ${me}.started; i=0; while [ ! -e ${other}.started ]; do i=$((i+1)); [ $i -gt 200 ] && exit 9; sleep 0.05; done; echo ${me} > ${me}.out`;

describe('cairn repro -j', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, {
      'in.txt': 'x\n',
      'cairn.yaml': `stages:
  a:
    cmd: ${rendezvous('a', 'b')}
    deps: [in.txt]
    outs: [a.out]
  b:
    cmd: ${rendezvous('b', 'a')}
    deps: [in.txt]
    outs: [b.out]
  c:
    cmd: cat a.out b.out > c.out
    deps: [a.out, b.out]
    outs: [c.out]
`,
    });
  });

  it('runs independent stages at once, starts a stage only after all its upstream, and prefixes their lines', async () => {
    const r = await cairn(repo.dir, ['repro', '-j', '2'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(read(repo.dir, 'c.out'), 'a\nb\n');
    assert.match(r.stdout, /ran: a, b, c/);
    const lock = read(repo.dir, 'cairn.lock');
    assert.ok(lock.indexOf('  a:') < lock.indexOf('  b:') && lock.indexOf('  b:') < lock.indexOf('  c:'));
  });

  it('prefixes each stage\'s output lines with [stage] when running in parallel', async () => {
    writeTree(repo.dir, {
      'cairn.yaml': `stages:
  p:
    cmd: echo one; echo two
    always_changed: true
  q:
    cmd: echo three
    always_changed: true
`,
    });
    const r = await cairn(repo.dir, ['repro', '-j', '2'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[p\] one$/m);
    assert.match(r.stdout, /^\[p\] two$/m);
    assert.match(r.stdout, /^\[q\] three$/m);
  });
});

describe('cairn repro --keep-going', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, {
      'in.txt': 'x\n',
      'cairn.yaml': `stages:
  bad:
    cmd: echo broken; exit 1
    deps: [in.txt]
    outs: [bad.out]
  after_bad:
    cmd: cp bad.out after.out
    deps: [bad.out]
    outs: [after.out]
  good:
    cmd: echo fine > good.out
    deps: [in.txt]
    outs: [good.out]
`,
    });
  });

  it('without it, stops at the first failure', async () => {
    const r = await cairn(repo.dir, ['repro', '--json'], repo.env);
    assert.equal(r.code, 12);
    const data = JSON.parse(r.stdout);
    const outcome = Object.fromEntries(data.stages.map((s: { stage: string; outcome: string }) => [s.stage, s.outcome]));
    assert.deepEqual(outcome, { bad: 'failed', after_bad: 'not-run', good: 'not-run' });
    assert.ok(!existsSync(path.join(repo.dir, 'cairn.lock')));
  });

  it('with it, runs the independent branch, not the failed stage\'s downstream, and still exits 12', async () => {
    const r = await cairn(repo.dir, ['repro', '--keep-going'], repo.env);
    assert.equal(r.code, 12);
    assert.match(r.stdout, /ran: good/);
    assert.match(r.stdout, /failed: bad/);
    assert.match(r.stdout, /not run: after_bad/);
    assert.equal(read(repo.dir, 'good.out'), 'fine\n');
    const lock = read(repo.dir, 'cairn.lock');
    assert.match(lock, /good:/);
    assert.doesNotMatch(lock, /bad/);
  });
});

describe('cairn repro interrupted with Ctrl-C', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, {
      'in.txt': 'x\n',
      'cairn.yaml': `stages:
  quick:
    cmd: echo done > quick.out
    deps: [in.txt]
    outs: [quick.out]
  slow:
    cmd: echo partial > slow.out; sleep 60 & echo $! > sleeper.pid; wait
    deps: [quick.out]
    outs: [slow.out]
  last:
    cmd: cp slow.out last.out
    deps: [slow.out]
    outs: [last.out]
`,
    });
  });

  it('stops the running stage\'s whole process group, records finished stages only, and exits 130', async () => {
    const child = spawn(process.execPath, [CAIRN_BIN, 'repro'], { cwd: repo.dir, env: testEnv(repo.home), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const pidFile = path.join(repo.dir, 'sleeper.pid');
    await waitFor(() => existsSync(pidFile) && read(repo.dir, 'sleeper.pid').trim() !== '');
    const sleeper = Number(read(repo.dir, 'sleeper.pid'));
    assert.ok(alive(sleeper));
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
    await waitFor(() => !alive(sleeper));
    assert.match(stderr, /interrupted: stage\(s\) slow did not finish/);
    const lock = read(repo.dir, 'cairn.lock');
    assert.match(lock, /quick:/);
    assert.doesNotMatch(lock, /slow:/);
    assert.doesNotMatch(lock, /last:/);
    assert.ok(!existsSync(path.join(repo.dir, 'last.out')));
  });
});

describe('cairn repro: a stage that ignores the interrupt', () => {
  // The stage traps SIGINT and SIGTERM, as a training script with its own handler (or a stuck one) does.
  const setup = async () => {
    const repo = tempGitRepo();
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, {
      'stubborn.sh': "trap '' INT TERM\necho $$ > stage.pid\nwhile :; do sleep 0.1; done\n",
      'cairn.yaml': 'stages:\n  stubborn:\n    cmd: sh stubborn.sh\n    deps: [stubborn.sh]\n    outs: [never.out]\n',
    });
    const child = spawn(process.execPath, [CAIRN_BIN, 'repro'], { cwd: repo.dir, env: testEnv(repo.home), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const pidFile = path.join(repo.dir, 'stage.pid');
    await waitFor(() => existsSync(pidFile) && read(repo.dir, 'stage.pid').trim() !== '');
    const stage = Number(read(repo.dir, 'stage.pid'));
    return { repo, child, exited, stage, stderr: () => stderr };
  };

  it('a second Ctrl-C SIGKILLs the stage\'s process group before exiting 130', async (t) => {
    const { repo, child, exited, stage, stderr } = await setup();
    t.after(() => {
      killGroupOf(stage);
      repo.cleanup();
    });
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(alive(stage), 'the stage ignores the first interrupt');
    const second = Date.now();
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr());
    // Well before the grace timeout (KILL_GRACE_MS, 3 s after the first Ctrl-C): the second one killed it.
    await waitFor(() => !alive(stage));
    assert.ok(Date.now() - second < 2000, `the stage lived ${Date.now() - second} ms after the second Ctrl-C`);
  });

  it('after one Ctrl-C, the grace timeout SIGKILLs the stage and repro exits 130', async (t) => {
    const { repo, child, exited, stage, stderr } = await setup();
    t.after(() => {
      killGroupOf(stage);
      repo.cleanup();
    });
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr());
    assert.ok(!alive(stage));
    assert.match(stderr(), /interrupted: stage\(s\) stubborn did not finish/);
  });
});
