import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it, type TestContext } from 'node:test';
import { PROJECT_ROOT, runNode, tempDir } from '../helpers/cli.js';

// The built SDK, as a user's program imports it (`npm run build` first).
const SDK = pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'sdk', 'index.js')).href;
const STAGE_RUN = 'fedcba9876543210fedcba9876543210';

function setup(t: TestContext, body: string) {
  const tmp = tempDir('cairn-sdk-proc-');
  t.after(tmp.cleanup);
  const script = path.join(tmp.dir, 'train.mjs');
  writeFileSync(script, `import { startRun } from ${JSON.stringify(SDK)};\n${body}\n`);
  const events = path.join(tmp.dir, 'events.jsonl');
  return { dir: tmp.dir, script, events, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CAIRN_RUN_ID: STAGE_RUN, CAIRN_EVENTS: events } };
}

/** Starts a script and waits for it to print "ready" (killed after the test whatever happens). */
async function startUntilReady(t: TestContext, script: string, options: { cwd: string; env: Record<string, string> }) {
  const child = spawn(process.execPath, [script], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => String(d).includes('ready') && resolve()));
  return child;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('the TypeScript SDK in a real process', () => {
  it('writes every buffered line and ends the run FINISHED when the process exits without end()', async (t) => {
    const { script, events, env, dir } = setup(t, "const run = startRun({ nested: true });\nfor (let i = 0; i < 20000; i++) run.logMetric('a', i, i);");
    const r = await runNode(script, [], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const got = lines(events);
    assert.equal(got.filter((l) => 'metric' in l).length, 20000);
    assert.equal(got.at(-1).end.status, 'FINISHED');
  });

  it('ends the run FAILED on an uncaught exception, and Node still reports it and exits 1', async (t) => {
    const { script, events, env, dir } = setup(t, "const run = startRun({ nested: true });\nrun.logMetric('a', 1);\nthrow new Error('boom');");
    const r = await runNode(script, [], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: boom/);
    assert.equal(lines(events).at(-1).end.status, 'FAILED');
  });

  it('ends the run FAILED when the process exits with a non-zero code', async (t) => {
    const { script, events, env, dir } = setup(t, "startRun({ nested: true }).logMetric('a', 1);\nprocess.exitCode = 3;");
    const r = await runNode(script, [], { cwd: dir, env });
    assert.equal(r.code, 3);
    assert.equal(lines(events).at(-1).end.status, 'FAILED');
  });

  it('flushes and ends the run KILLED on SIGTERM, then dies of the signal', async (t) => {
    const { script, events, env, dir } = setup(t, [
      "const run = startRun({ nested: true });",
      "for (let i = 0; i < 1000; i++) run.logMetric('loss', 1 / (i + 1), i);",
      "console.log('ready');",
      'setTimeout(() => {}, 60000);',
    ].join('\n'));
    const child = await startUntilReady(t, script, { cwd: dir, env });
    const done = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    assert.equal(await done, 'SIGTERM');
    const got = lines(events);
    assert.equal(got.filter((l) => 'metric' in l).length, 1000);
    assert.equal(got.at(-1).end.status, 'KILLED');
  });

  it('leaves SIGTERM to a program with its own listener: lines are flushed and the runs end KILLED when it exits', async (t) => {
    const { script, events, env, dir } = setup(t, [
      "const run = startRun({ nested: true });",
      "run.logMetric('a', 1);",
      "process.on('SIGTERM', () => { run.logMetric('b', 2); setTimeout(() => process.exit(0), 50); });",
      "console.log('ready');",
      'setTimeout(() => {}, 60000);',
    ].join('\n'));
    const child = await startUntilReady(t, script, { cwd: dir, env });
    const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await done, 0, 'the program chose how to exit');
    const got = lines(events);
    assert.deepEqual(got.map((l) => l.metric ?? Object.keys(l)[0]), ['run', 'a', 'b', 'end']);
    assert.equal(got.at(-1).end.status, 'KILLED');
  });

  it('writes lines from an idle timer within about a second', async (t) => {
    const { script, events, env, dir } = setup(t, [
      "import { statSync } from 'node:fs';",
      "startRun().logMetric('a', 1);",
      'console.log(statSync(process.env.CAIRN_EVENTS).size);',
      'setTimeout(() => { console.log(statSync(process.env.CAIRN_EVENTS).size); process.kill(process.pid, "SIGKILL"); }, 1600);',
    ].join('\n'));
    const r = await runNode(script, [], { cwd: dir, env });
    const [before, after] = r.stdout.trim().split('\n').map(Number);
    assert.equal(before, 0);
    assert.ok(after > 0, r.stdout);
    assert.equal(lines(events)[0].metric, 'a');
  });

  it('outside a stage records a pending file in the repository and runs `cairn runs ingest` on it', async (t) => {
    const { script, dir } = setup(t, "const run = startRun({ name: 'sweep', experiment: 'tuning' });\nrun.logParam('lr', 0.1);\nrun.end();\nconsole.log(run.id);");
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, '.cairn'), { recursive: true });
    const calls = path.join(dir, 'calls.txt');
    const fake = path.join(dir, 'fake-cairn');
    writeFileSync(fake, `#!/bin/sh\necho "$PWD $*" >> ${calls}\n`);
    chmodSync(fake, 0o755);
    const r = await runNode(script, [], { cwd: repo, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CAIRN_BIN: fake } });
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    const pendingDir = path.join(repo, '.cairn', 'tracking', 'pending');
    assert.deepEqual(readdirSync(pendingDir), [`${id}.jsonl`]);
    const got = lines(path.join(pendingDir, `${id}.jsonl`));
    assert.deepEqual([got[0].run.id, got[0].run.name, got[0].run.experiment], [id, 'sweep', 'tuning']);
    assert.equal(got[0].run.tags['mlflow.source.name'], '../train.mjs');
    assert.deepEqual(got[1], { param: 'lr', value: '0.1' });
    assert.equal(got[2].end.status, 'FINISHED');
    assert.equal(readFileSync(calls, 'utf8'), `${repo} runs ingest ${path.join(pendingDir, `${id}.jsonl`)}\n`);
  });
});
