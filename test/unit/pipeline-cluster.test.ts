import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { resolvePipeline } from '../../src/pipeline/loadPipeline.js';
import { combineResources, minutes } from '../../src/pipeline/executors/combineResources.js';
import { fromWaitStatus, jobEnd, jobPhase, parseExitCode, parseScontrolJob, parseSqueue } from '../../src/pipeline/executors/slurm/jobStates.js';
import { jobScript, resourceFlags, sbatchArgs } from '../../src/pipeline/executors/slurm/sbatchArgs.js';
import { fails } from '../helpers/cairnError.js';

const stages = (yaml: string) => [...resolvePipeline(parse(yaml), { file: 'cairn.yaml', readData: () => undefined }).stages.values()];

describe('stage resources in cairn.yaml', () => {
  it('reads resources and raw sbatch options, and maps them to sbatch flags', () => {
    const [train] = stages(`
stages:
  train:
    cmd: python train.py
    resources: {cpus: 8, mem: 32g, gpus: 1, time: "2:00:00", partition: gpu}
    sbatch: [--constraint=a100, --qos=long]
`);
    assert.deepEqual(train.resources, { cpus: 8, mem: '32G', gpus: '1', time: '2:00:00', partition: 'gpu', sbatch: ['--constraint=a100', '--qos=long'] });
    assert.deepEqual(resourceFlags(train.resources), [
      '--cpus-per-task=8', '--mem=32G', '--gpus=1', '--time=2:00:00', '--partition=gpu', '--constraint=a100', '--qos=long',
    ]);
    assert.equal(stages('stages:\n  a:\n    cmd: x\n')[0].resources, undefined);
  });

  it('refuses bad resources with the key named', () => {
    const bad = (res: string, pattern: RegExp) => fails(() => stages(`stages:\n  s:\n    cmd: x\n    ${res}\n`), pattern);
    bad('resources: {cpu: 2}', /unknown key "cpu" in resources of stage "s"[\s\S]*did you mean "cpus"/);
    bad('resources: {cpus: 0}', /resources\.cpus 0 is not a whole number/);
    bad('resources: {mem: lots}', /resources\.mem "lots" is not a size/);
    bad('resources: {gpus: "two"}', /resources\.gpus "two"/);
    bad('resources: {time: "1h"}', /resources\.time "1h" is not a time limit/);
    bad('resources: 4', /"resources" must be a mapping/);
    bad('sbatch: --qos=long', /"sbatch" must be a list of sbatch options/);
    bad('sbatch: [qos=long]', /"sbatch" must be a list of sbatch options/);
  });

  it('combines the stages of a pipeline into what one job running it all needs', () => {
    const all = stages(`
stages:
  prep: {cmd: a, resources: {cpus: 4, mem: 2G, time: 30}}
  train: {cmd: b, resources: {cpus: 2, mem: 16G, gpus: "a100:2", time: "1:30:00", partition: gpu}, sbatch: [--qos=long]}
`);
    assert.deepEqual(combineResources(all), { cpus: 4, mem: '16G', gpus: 'a100:2', time: '120', partition: 'gpu', sbatch: ['--qos=long'] });
    assert.equal(combineResources(stages('stages:\n  a: {cmd: x}\n')), undefined);
    assert.equal(minutes('1-00:30'), 24 * 60 + 30);
    assert.equal(minutes('05:30'), 5.5);
  });
});

describe('slurm job scripts and states', () => {
  it('writes each command through the stage shell, noting the failed one, and the sbatch line with dependencies', () => {
    const script = jobScript({ stage: 's', cmds: ["echo 'hi'", 'exit 3'], shell: '/bin/bash' }, "/jobs/s.%j.failed");
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.match(script, /'\/bin\/bash' '--noprofile' '--norc' '-c' 'echo '\\''hi'\\''' \|\| \{ s=\$\?; echo 0 > '\/jobs\/s\.'"\$SLURM_JOB_ID"'\.failed'; exit \$s; \}/);
    assert.match(script, /'-c' 'exit 3' \|\| \{ s=\$\?; echo 1 >/);
    const args = sbatchArgs({ stage: 'train', cwd: '/repo', after: ['12', '13'], resources: { gpus: '1' } }, { script: '/j/train.sh', output: '/j/train.%j.out' });
    assert.deepEqual(args, ['--parsable', '--job-name=cairn:train', '--chdir=/repo', '--output=/j/train.%j.out', '--kill-on-invalid-dep=yes', '--dependency=afterok:12:13', '--gpus=1', '/j/train.sh']);
  });

  it('reads squeue and scontrol, and tells the scheduler\'s kills from the command\'s failures', () => {
    const rows = parseSqueue('1|FAILED|NonZeroExitCode|localhost|768|\n3|PENDING|Dependency||0|\n');
    assert.deepEqual(rows.get('3'), { id: '3', state: 'PENDING', reason: 'Dependency', node: '', waitStatus: 0 });
    assert.deepEqual(fromWaitStatus(rows.get('1')!.waitStatus), { code: 3, signal: 0 });
    const fields = parseScontrolJob('JobId=7 JobName=x JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 NodeList=n1');
    assert.equal(fields.JobState, 'TIMEOUT');
    assert.deepEqual(parseExitCode(fields.ExitCode), { code: 0, signal: 15 });
    assert.equal(jobPhase('PENDING'), 'pending');
    assert.equal(jobPhase('COMPLETING'), 'running');
    assert.equal(jobPhase('NODE_FAIL'), 'done');
    assert.deepEqual(jobEnd('COMPLETED', { code: 0, signal: 0 }, false), { ok: true, exitCode: 0, signal: null, interrupted: false });
    assert.deepEqual(jobEnd('FAILED', { code: 3, signal: 0 }, false), { ok: false, exitCode: 3, signal: null, interrupted: false });
    for (const kill of ['TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY']) {
      assert.equal(jobEnd(kill, { code: 0, signal: 9 }, false).killedBy, kill);
    }
    assert.equal(jobEnd('TIMEOUT', { code: 0, signal: 15 }, false).signal, 'SIGTERM');
    // A cancel cairn asked for is an interrupt; someone else's scancel is the scheduler's doing.
    assert.equal(jobEnd('CANCELLED', { code: 0, signal: 15 }, true).interrupted, true);
    assert.equal(jobEnd('CANCELLED', { code: 0, signal: 15 }, false).killedBy, 'CANCELLED');
  });
});
