import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { sh } from '../helpers/cli.js';
import { expRepo } from '../helpers/expRepo.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe('cairn exp run --queue and cairn queue', () => {
  it('queues a grid, runs it -j 2, shows status and logs, and removes finished entries', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    const q = await repo.run(['exp', 'run', '--queue', '-n', 'grid', '-S', 'train.lr=0.01,0.02,0.03']);
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stdout, /queued grid-1: train\.lr=0\.01\nqueued grid-2: train\.lr=0\.02\nqueued grid-3: train\.lr=0\.03/);
    assert.equal(sh(repo.dir, 'git status --porcelain', repo.env), '', 'queueing changes no file');
    const status = await repo.run(['queue', 'status', '--json']);
    assert.deepEqual(json(status).queued.map((e: { name: string }) => e.name), ['grid-1', 'grid-2', 'grid-3']);
    const start = await repo.run(['queue', 'start', '-j', '2']);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /3 experiment\(s\) finished, 0 failed/);
    const after = json(await repo.run(['queue', 'status', '--json']));
    assert.deepEqual(after.queued, []);
    assert.deepEqual(after.workers.map((w: { name: string; status: string }) => [w.name, w.status]).sort(), [['grid-1', 'done'], ['grid-2', 'done'], ['grid-3', 'done']]);
    assert.match((await repo.run(['queue', 'logs', 'grid-2'])).stdout, /trained 0\.02 3 0\.87/);
    const shown = json(await repo.run(['exp', 'show', '--json'])).filter((r: { kind: string }) => r.kind === 'experiment');
    assert.deepEqual(shown.map((r: { label: string }) => r.label).sort(), ['grid-1', 'grid-2', 'grid-3']);
    assert.equal((await repo.run(['queue', 'remove', '--all'])).code, 0);
    assert.match((await repo.run(['queue', 'status'])).stdout, /The queue is empty/);
  });

  it('snapshots the workspace when queued: later edits do not leak into a queued experiment', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    assert.equal((await repo.run(['exp', 'run', '--queue', '-n', 'snap', '-S', 'train.depth=4'])).code, 0);
    sh(repo.dir, "sed -i 's/lr: 0.1/lr: 0.9/' params.yaml", repo.env);
    assert.equal((await repo.run(['queue', 'start'])).code, 0);
    assert.match(sh(repo.dir, 'git show refs/cairn/exps/snap:params.yaml', repo.env), /lr: 0\.1 #[\s\S]*depth: 4/);
  });

  it('refuses bad input and queues nothing: an unknown key anywhere in the grid, a taken name, unknown entries', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    const bad = await repo.run(['exp', 'run', '--queue', '-S', 'train.lr=1,2', '-S', 'train.nope=1']);
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /param train\.nope is not in params\.yaml/);
    assert.equal(sh(repo.dir, 'git for-each-ref refs/cairn/', repo.env), '');
    assert.equal((await repo.run(['exp', 'run', '--queue', '-n', 'one'])).code, 0);
    const again = await repo.run(['exp', 'run', '--queue', '-n', 'one']);
    assert.equal(again.code, 5);
    assert.match(again.stderr, /exists already \(or is queued\)/);
    assert.equal((await repo.run(['queue', 'remove', 'ghost'])).code, 4);
    assert.equal((await repo.run(['queue', 'logs', 'one'])).code, 4, 'not started: no log yet');
    assert.equal((await repo.run(['queue', 'kill', 'one'])).code, 4, 'not running');
    assert.equal((await repo.run(['queue', 'start', '-j', 'x'])).code, 2);
    assert.equal((await repo.run(['queue', 'remove'])).code, 2);
  });

  it('kills a running experiment: its stage stops, it is recorded as killed, and nothing is saved', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    assert.equal((await repo.run(['exp', 'run', '--queue', '-n', 'slow', '-S', 'train.depth=5'])).code, 0);
    const env = { TRAIN_SLEEP: '30' };
    const started = repo.run(['queue', 'start'], { env });
    let running = false;
    for (let i = 0; i < 100 && !running; i++) {
      await sleep(100);
      running = json(await repo.run(['queue', 'status', '--json'])).workers.some((w: { status: string }) => w.status === 'running');
    }
    assert.ok(running, 'the experiment started');
    await sleep(500);
    const kill = await repo.run(['queue', 'kill', 'slow']);
    assert.equal(kill.code, 0, kill.stderr);
    const done = await started;
    assert.equal(done.code, 12);
    const worker = json(await repo.run(['queue', 'status', '--json'])).workers[0];
    assert.equal(worker.status, 'killed');
    assert.equal(sh(repo.dir, 'git for-each-ref refs/cairn/exps/', repo.env), '');
  });
});
