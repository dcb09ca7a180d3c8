import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runStageCommands, stageEnv, stageLogPath } from '../../src/pipeline/executor.js';
import { tempDir } from '../helpers/cli.js';

/** Whether a process runs (a zombie waiting for a reaper that never comes, as under some container inits, does not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('stage executor', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  const env = stageEnv({ PATH: process.env.PATH, HOME: tmp.dir }, { stage: 'demo', root: tmp.dir, wdir: '.' });

  it('runs each command through /bin/sh in the working directory, with CAIRN_* set, and keeps a log', async () => {
    const logFile = stageLogPath(path.join(tmp.dir, 'tmp'), 'demo');
    let out = '';
    const r = await runStageCommands({
      stage: 'demo', cmds: ['echo "$CAIRN_STAGE in $(pwd)"', 'echo root=$CAIRN_ROOT >&2'], cwd: tmp.dir, env, logFile,
      onOutput: (t) => (out += t),
    });
    assert.equal(r.ok, true);
    assert.match(out, new RegExp(`demo in ${tmp.dir}`));
    assert.match(out, new RegExp(`root=${tmp.dir}`));
    const log = readFileSync(logFile, 'utf8');
    assert.match(log, /\$ echo/);
    assert.match(log, /demo in/);
  });

  it('prefixes whole lines with [stage] when asked', async () => {
    let out = '';
    const r = await runStageCommands({
      stage: 'p', cmds: ['printf "one\\ntwo\\nthree"'], cwd: tmp.dir, env, logFile: path.join(tmp.dir, 'p.log'), prefixLines: true,
      onOutput: (t) => (out += t),
    });
    assert.equal(r.ok, true);
    assert.equal(out, '[p] one\n[p] two\n[p] three\n');
  });

  it('stops at the first failing command and reports its exit code and last lines', async () => {
    const r = await runStageCommands({
      stage: 'f', cmds: ['for i in $(seq 1 30); do echo line$i; done; exit 3', 'echo never > never.txt'], cwd: tmp.dir, env,
      logFile: path.join(tmp.dir, 'f.log'),
    });
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 3);
    assert.equal(r.tail.length, 20);
    assert.equal(r.tail[19], 'line30');
    assert.ok(!existsSync(path.join(tmp.dir, 'never.txt')));
  });

  it('a command that does not exist exits 127', async () => {
    const r = await runStageCommands({ stage: 'n', cmds: ['no-such-command-xyz'], cwd: tmp.dir, env, logFile: path.join(tmp.dir, 'n.log') });
    assert.equal(r.exitCode, 127);
    assert.match(r.tail.join('\n'), /not found/);
  });

  it('an abort stops the whole process group, grandchildren included', async () => {
    const pidFile = path.join(tmp.dir, 'grandchild.pid');
    const ac = new AbortController();
    const running = runStageCommands({
      stage: 'slow', cmds: [`sleep 30 & echo $! > ${pidFile}; wait`], cwd: tmp.dir, env, logFile: path.join(tmp.dir, 's.log'),
      signal: ac.signal, killGraceMs: 500,
    });
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8').trim()) await new Promise((r) => setTimeout(r, 20));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(grandchild));
    ac.abort();
    const r = await running;
    assert.equal(r.interrupted, true);
    assert.equal(r.ok, false);
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(alive(grandchild), false);
  });

  it('builds a documented environment: caller env, defaults, CAIRN_* and unbuffered Python', () => {
    const e = stageEnv({ FOO: 'bar' }, { stage: 'x@1', root: '/r', wdir: 'sub' });
    assert.equal(e.FOO, 'bar');
    assert.equal(e.CAIRN_STAGE, 'x@1');
    assert.equal(e.CAIRN_ROOT, '/r');
    assert.equal(e.CAIRN_WDIR, '/r/sub');
    assert.equal(e.PYTHONUNBUFFERED, '1');
    assert.ok(e.PATH.includes('/usr/bin'));
  });
});
