import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine and software a run ran on, captured without any code from the user. */
export interface RunEnvironment {
  os: string;
  cpu: { model: string; cores: number };
  memory_bytes: number;
  node: string;
  python?: string;
  gpus?: string[];
  /** `pip freeze` of the python3 on the PATH, when there is one. */
  pip_freeze?: string;
  /** The cluster job it ran in (Slurm sets SLURM_JOB_ID in a job's environment). */
  scheduler?: { name: 'slurm'; job: string; partition?: string; gpus?: string };
  /** Dependency lock files found at the repository root (they pin what `pip freeze` cannot see, and other languages). */
  lock_files: string[];
}

const LOCK_FILES = ['requirements.txt', 'requirements.lock', 'poetry.lock', 'uv.lock', 'Pipfile.lock', 'environment.yml', 'conda-lock.yml', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'renv.lock', 'Cargo.lock'];

/** Runs a program for its output; null when it is missing, fails or takes longer than `timeoutMs`. */
function output(program: string, args: string[], env: Record<string, string | undefined>, timeoutMs = 10_000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(program, args, { env: env as NodeJS.ProcessEnv, timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve(err ? null : (stdout || stderr).trim());
    });
  });
}

/** Captures the environment; the slow parts (pip freeze, nvidia-smi) run at once, in parallel. */
export async function captureEnvironment(root: string, env: Record<string, string | undefined>): Promise<RunEnvironment> {
  const [python, gpus, freeze] = await Promise.all([
    output('python3', ['--version'], env),
    output('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader'], env),
    output('python3', ['-m', 'pip', 'freeze', '--disable-pip-version-check'], env, 20_000),
  ]);
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: { model: cpus[0]?.model?.trim() ?? 'unknown', cores: cpus.length },
    memory_bytes: os.totalmem(),
    node: process.version,
    ...(python ? { python: python.replace(/^Python /, '') } : {}),
    ...(gpus ? { gpus: gpus.split('\n').filter(Boolean) } : {}),
    ...(freeze !== null ? { pip_freeze: freeze } : {}),
    lock_files: LOCK_FILES.filter((f) => existsSync(path.join(root, f))),
    ...(env.SLURM_JOB_ID ? { scheduler: {
      name: 'slurm' as const, job: env.SLURM_JOB_ID,
      ...(env.SLURM_JOB_PARTITION ? { partition: env.SLURM_JOB_PARTITION } : {}),
      ...(env.SLURM_JOB_GPUS ?? env.CUDA_VISIBLE_DEVICES ? { gpus: env.SLURM_JOB_GPUS ?? env.CUDA_VISIBLE_DEVICES } : {}),
    } } : {}),
  };
}
