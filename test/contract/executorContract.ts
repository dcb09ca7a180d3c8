/**
 * The one contract every stage Executor passes (local process pool, Slurm, and the next one). A test file calls
 * `runExecutorContract('slurm', async () => ({ executor, dir, cleanup }))`: every case gets a fresh executor and a
 * folder its jobs can reach (shared with the cluster's nodes).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { stageEnv } from '../../src/pipeline/executor.js';
import type { Executor, JobEvent, StageJobSpec } from '../../src/pipeline/stageExecutor.js';

export interface ExecutorFixture {
  executor: Executor;
  /** A folder the jobs can read and write. */
  dir: string;
  /** Extra environment the executor's jobs need (SLURM_CONF). */
  env?: Record<string, string>;
  cleanup(): Promise<void>;
}

let counter = 0;

export function runExecutorContract(name: string, make: () => Promise<ExecutorFixture>): void {
  describe(`executor contract: ${name}`, () => {
    const spec = (f: ExecutorFixture, stage: string, cmds: string[], more: Partial<StageJobSpec> = {}): StageJobSpec => {
      const cwd = path.join(f.dir, `case-${++counter}`);
      mkdirSync(cwd, { recursive: true });
      return {
        stage, cmds, shell: '/bin/sh', cwd, logFile: path.join(cwd, 'logs', `${stage}.log`),
        env: { ...stageEnv({ PATH: process.env.PATH, HOME: f.dir, ...f.env }, { stage, root: cwd, wdir: '.' }), ONLY_HERE: 'yes' },
        ...more,
      };
    };
    const withFixture = (fn: (f: ExecutorFixture, t: TestContext) => Promise<void>) => async (t: TestContext) => {
      const f = await make();
      try {
        await fn(f, t);
      } finally {
        await f.executor.close();
        await f.cleanup();
      }
    };

    it('runs the commands in order in the working folder with the given environment, and keeps their output', withFixture(async (f) => {
      const events: JobEvent['kind'][] = [];
      let live = '';
      const s = spec(f, 'hello', ['echo "one $ONLY_HERE $CAIRN_STAGE" > out.txt', 'echo two >> out.txt; echo "said $(cat out.txt | wc -l)"'], {
        onEvent: (e) => events.push(e.kind), onOutput: (t) => (live += t),
      });
      const job = await f.executor.submit(s);
      const outcome = await job.done;
      assert.equal(outcome.ok, true, outcome.tail.join('\n'));
      assert.equal(outcome.exitCode, 0);
      assert.equal(outcome.started, true);
      assert.equal(readFileSync(path.join(s.cwd, 'out.txt'), 'utf8'), 'one yes hello\ntwo\n');
      assert.match(live, /said 2/);
      assert.match(readFileSync(s.logFile, 'utf8'), /said 2/);
      assert.match(await f.executor.log(job.id), /said 2/);
      assert.deepEqual(outcome.tail.filter((l) => l !== '' && !l.startsWith('$ ')), ['said 2']);
      assert.equal(events[0], 'submitted');
      assert.equal(events.at(-1), 'done');
    }));

    it('stops at the first failing command and reports its exit code, the command and the last lines', withFixture(async (f) => {
      const s = spec(f, 'bad', ['echo before', 'echo "last words"; exit 7', 'echo never > never.txt']);
      const outcome = await (await f.executor.submit(s)).done;
      assert.equal(outcome.ok, false);
      assert.equal(outcome.exitCode, 7);
      assert.equal(outcome.interrupted, false);
      assert.equal(outcome.killedBy, undefined);
      assert.equal(outcome.failedCmd, 'echo "last words"; exit 7');
      assert.ok(outcome.tail.includes('last words'), outcome.tail.join('\n'));
      assert.throws(() => readFileSync(path.join(s.cwd, 'never.txt')));
    }));

    it('cancels a running job: it ends as interrupted', withFixture(async (f) => {
      let running!: () => void;
      const isRunning = new Promise<void>((resolve) => (running = resolve));
      const s = spec(f, 'sleepy', ['echo up; sleep 60; echo done > done.txt'], { onOutput: (t) => { if (/up/.test(t)) running(); } });
      const job = await f.executor.submit(s);
      await isRunning;
      await f.executor.cancel([job.id]);
      const outcome = await job.done;
      assert.equal(outcome.ok, false);
      assert.equal(outcome.interrupted, true);
      assert.throws(() => readFileSync(path.join(s.cwd, 'done.txt')));
    }));

    it('with dependencies, a job waits for the jobs it names and is not run when one fails', withFixture(async (f, t) => {
      if (!f.executor.dependencies) {
        t.skip('this executor has no dependencies: the planner orders its jobs');
        return;
      }
      const first = spec(f, 'first', ['sleep 1; echo first > ../order.txt']);
      const a = await f.executor.submit(first);
      const second = spec(f, 'second', ['echo second >> ../order.txt'], { after: [a.id] });
      second.cwd = first.cwd;
      const b = await f.executor.submit(second);
      assert.equal((await a.done).ok, true);
      assert.equal((await b.done).ok, true);
      assert.equal(readFileSync(path.join(first.cwd, '..', 'order.txt'), 'utf8'), 'first\nsecond\n');
      const failing = await f.executor.submit(spec(f, 'failing', ['exit 1']));
      const blocked = spec(f, 'blocked', ['echo ran > ran.txt'], { after: [failing.id] });
      const c = await f.executor.submit(blocked);
      assert.equal((await failing.done).exitCode, 1);
      const outcome = await c.done;
      assert.equal(outcome.ok, false);
      assert.equal(outcome.started, false);
      assert.throws(() => readFileSync(path.join(blocked.cwd, 'ran.txt')));
    }));
  });
}
