import { shellArgv } from '../../executor.js';
import type { StageJobSpec } from '../../stageExecutor.js';
import type { StageResources } from '../../types.js';

/** Building a stage's batch job: its script and its sbatch command line. Pure. */

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The batch script: each command through the stage's shell, as locally (no rc files), the first failure ending the
 * job with its exit code after noting which command failed in `failedFile` (`%j` is the job id).
 */
export function jobScript(spec: Pick<StageJobSpec, 'stage' | 'cmds' | 'shell'>, failedFile: string): string {
  const failed = quote(failedFile).replace('%j', `'"$SLURM_JOB_ID"'`);
  return [
    '#!/bin/sh',
    `# cairn stage ${spec.stage}: written by cairn for sbatch`,
    ...spec.cmds.map((cmd, i) => `${shellArgv(spec.shell, cmd).map(quote).join(' ')} || { s=$?; echo ${i} > ${failed}; exit $s; }`),
    'exit 0',
    '',
  ].join('\n');
}

/** The sbatch flags for a stage's resources, then its raw `sbatch:` options. */
export function resourceFlags(resources: StageResources | undefined): string[] {
  if (!resources) return [];
  const flags: string[] = [];
  if (resources.cpus !== undefined) flags.push(`--cpus-per-task=${resources.cpus}`);
  if (resources.mem !== undefined) flags.push(`--mem=${resources.mem}`);
  if (resources.gpus !== undefined) flags.push(`--gpus=${resources.gpus}`);
  if (resources.time !== undefined) flags.push(`--time=${resources.time}`);
  if (resources.partition !== undefined) flags.push(`--partition=${resources.partition}`);
  return [...flags, ...(resources.sbatch ?? [])];
}

export function sbatchArgs(spec: Pick<StageJobSpec, 'stage' | 'cwd' | 'after' | 'resources'>, files: { script: string; output: string }): string[] {
  return [
    '--parsable',
    `--job-name=cairn:${spec.stage}`,
    `--chdir=${spec.cwd}`,
    `--output=${files.output}`,
    // A job whose upstream failed must not wait forever (without kill_invalid_depend in the cluster's slurm.conf).
    '--kill-on-invalid-dep=yes',
    ...(spec.after?.length ? [`--dependency=afterok:${spec.after.join(':')}`] : []),
    ...resourceFlags(spec.resources),
    files.script,
  ];
}
