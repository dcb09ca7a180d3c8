import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startSlurm } from '../helpers/slurm.js';

describe('the startSlurm test helper', () => {
  it('starts a private one-node cluster that runs a job, and stops it leaving no daemon behind', async (t) => {
    const cluster = await startSlurm();
    t.after(() => cluster.stop());
    const id = cluster.run('sbatch', ['--parsable', `--chdir=${cluster.confDir}`, `--output=${cluster.confDir}/hello.out`, '--wrap', 'echo hello from $SLURM_JOB_ID']).trim();
    assert.match(id, /^\d+$/);
    await cluster.drain();
    assert.match(cluster.run('scontrol', ['show', 'job', '-o', id]), /JobState=COMPLETED .*ExitCode=0:0/);
    assert.equal(readFileSync(path.join(cluster.confDir, 'hello.out'), 'utf8').trim(), `hello from ${id}`);
    const pidOf = (f: string) => Number(readFileSync(path.join(cluster.confDir, f), 'utf8'));
    const daemons = [pidOf('ctld.pid'), pidOf('d.pid')];
    await cluster.stop();
    for (const pid of daemons) {
      let state = 'gone';
      try { state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0]; } catch { /* gone */ }
      assert.ok(state === 'gone' || state === 'Z', `daemon ${pid} is still running (${state})`);
    }
  });
});
