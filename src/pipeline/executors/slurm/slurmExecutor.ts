import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../../core/errors.js';
import { linePrefixer, tailKeeper, TAIL_LINES } from '../../executor.js';
import type { Executor, JobOutcome, StageJobSpec, SubmittedJob } from '../../stageExecutor.js';
import { fromWaitStatus, jobEnd, jobPhase, parseExitCode, parseScontrolJob, parseSqueue, SQUEUE_FORMAT, type JobRow } from './jobStates.js';
import { jobScript, sbatchArgs } from './sbatchArgs.js';

export interface SlurmExecutorOptions {
  /** The environment of sbatch, squeue, scontrol and scancel (PATH, SLURM_CONF). */
  env: Record<string, string | undefined>;
  /** Where job scripts and their raw output go: a folder the nodes share (`.cairn/tmp/slurm`). */
  jobDir: string;
  /** How often squeue is asked (the scheduler's own `sbatch --wait` checks only every 2-10 s). */
  pollMs?: number;
}

interface Tracked {
  id: string;
  spec: StageJobSpec;
  output: string;
  failedFile: string;
  log: WriteStream;
  offset: number;
  tail: ReturnType<typeof tailKeeper>;
  prefixer: ReturnType<typeof linePrefixer> | null;
  phase: 'submitted' | 'pending' | 'running';
  reason: string;
  missing: number;
  cancelled: boolean;
  resolve: (outcome: JobOutcome) => void;
}

interface Ran { code: number | null; stdout: string; stderr: string; error?: string }

function runTool(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: env as NodeJS.ProcessEnv, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, ...(e && typeof e.code === 'string' ? { error: e.code } : {}) });
    });
  });
}

const safeName = (stage: string) => stage.replace(/[^A-Za-z0-9@._+=,-]/g, '_');
/** After this many polls without squeue answering, the jobs are given up on (about 30 s at the default rate). */
const MAX_POLL_FAILURES = 200;

/**
 * Runs each stage as a Slurm batch job: `sbatch` with the stage's resources and `--dependency=afterok` on its
 * upstream jobs, `squeue` polled for their state (no slurmdbd needed), `scontrol` for exit codes, `scancel` to stop
 * them. The job's output is streamed back into cairn's per-stage log as it grows (the job folder is shared).
 */
export function slurmExecutor(options: SlurmExecutorOptions): Executor {
  const pollMs = options.pollMs ?? 150;
  const jobs = new Map<string, Tracked>();
  const outputs = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let failures = 0;

  const notFound = (tool: string) => new CairnError('NOT_FOUND', `${tool} is not installed (or not on the PATH): the slurm executor needs the Slurm client tools`, {
    hint: 'install slurm-client (Debian/Ubuntu) and make sure `sinfo` works here, or run without --executor slurm',
  });

  /** Copies what the job wrote since the last look into the stage's log and the live output. */
  const drainOutput = async (job: Tracked) => {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(job.output, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const buf = Buffer.alloc(1 << 16);
        const { bytesRead } = await fh.read(buf, 0, buf.length, job.offset);
        if (bytesRead === 0) break;
        job.offset += bytesRead;
        const chunk = buf.subarray(0, bytesRead);
        job.log.write(chunk);
        const text = chunk.toString();
        job.tail.push(text);
        if (job.prefixer) job.prefixer.push(text);
        else job.spec.onOutput?.(text, 'stdout');
      }
    } finally {
      await fh.close();
    }
  };

  const settle = async (job: Tracked, row: JobRow | null, detail?: string) => {
    jobs.delete(job.id);
    await drainOutput(job);
    job.prefixer?.flush();
    await new Promise<void>((resolve) => job.log.end(resolve));
    let outcome: JobOutcome;
    if (!row) {
      outcome = { ok: false, exitCode: null, signal: null, interrupted: job.cancelled, started: job.phase === 'running', tail: job.tail.get(), detail };
    } else {
      // scontrol has the exit code as code:signal; squeue's raw wait status is the fallback.
      const shown = await runTool('scontrol', ['show', 'job', '-o', job.id], options.env);
      const fields = shown.code === 0 ? parseScontrolJob(shown.stdout) : {};
      const exit = parseExitCode(fields.ExitCode) ?? fromWaitStatus(row.waitStatus);
      const end = jobEnd(fields.JobState ?? row.state, exit, job.cancelled);
      let failedCmd: string | undefined;
      try {
        failedCmd = job.spec.cmds[Number((await fs.readFile(job.failedFile, 'utf8')).trim())];
      } catch { /* no command failed */ }
      // In a shared temp folder (--via-remote) the job's files are litter once read; the stage's log keeps the output.
      if (job.spec.outputDir) await Promise.all([job.output, job.failedFile].map((f) => fs.rm(f, { force: true })));
      outcome = {
        ...end, started: row.node !== '' || job.phase === 'running', tail: job.tail.get(),
        ...(failedCmd ? { failedCmd } : {}),
        ...(end.killedBy ? { detail: `JobState=${row.state} Reason=${fields.Reason ?? row.reason}` } : {}),
      };
    }
    job.spec.onEvent?.({ kind: 'done', id: job.id, outcome });
    job.resolve(outcome);
  };

  const poll = async () => {
    const list = [...jobs.values()];
    if (list.length === 0) return;
    const r = await runTool('squeue', ['-h', '-t', 'all', '-j', list.map((j) => j.id).join(','), '-O', SQUEUE_FORMAT], options.env);
    // squeue says "Invalid job id" when it knows none of them (all aged out): every one is then missing.
    if (r.code !== 0 && !/Invalid job id/i.test(r.stderr)) {
      if (++failures >= MAX_POLL_FAILURES) {
        for (const job of list) await settle(job, null, `squeue kept failing: ${r.stderr.trim() || r.error}`);
      }
      return;
    }
    failures = 0;
    const rows = r.code === 0 ? parseSqueue(r.stdout) : new Map<string, JobRow>();
    for (const job of list) {
      const row = rows.get(job.id);
      if (!row) {
        // Forgotten (MinJobAge passed, or purged): three misses in a row, then it is given up on.
        if (++job.missing >= 3) await settle(job, null, `Slurm no longer knows job ${job.id}`);
        continue;
      }
      job.missing = 0;
      const phase = jobPhase(row.state);
      if (phase === 'pending' && (job.phase !== 'pending' || job.reason !== row.reason)) {
        job.phase = 'pending';
        job.reason = row.reason;
        job.spec.onEvent?.({ kind: 'pending', id: job.id, reason: row.reason });
      } else if (phase === 'running' && job.phase !== 'running') {
        job.phase = 'running';
        job.spec.onEvent?.({ kind: 'running', id: job.id, ...(row.node ? { node: row.node } : {}) });
      }
      if (phase === 'done') await settle(job, row);
      else if (phase === 'running') await drainOutput(job);
    }
  };

  const schedule = () => {
    if (timer || jobs.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      polling = poll().finally(() => {
        polling = null;
        schedule();
      });
    }, pollMs);
  };

  return {
    name: 'slurm',
    dependencies: true,
    async submit(spec: StageJobSpec): Promise<SubmittedJob> {
      await fs.mkdir(options.jobDir, { recursive: true });
      await fs.mkdir(path.dirname(spec.logFile), { recursive: true });
      const base = path.join(options.jobDir, safeName(spec.stage));
      const script = `${base}.sh`;
      // sbatch reads the script here; the job writes its output and failure note where it runs. A token per
      // submission keeps a file of an earlier job with the same id (ids restart with a new controller) from being
      // read as this job's output.
      const onNode = path.join(spec.outputDir ?? options.jobDir, `cairn-${safeName(spec.stage)}-${randomBytes(4).toString('hex')}`);
      const failedFile = `${onNode}.%j.failed`;
      await fs.writeFile(script, jobScript(spec, failedFile), { mode: 0o755 });
      const output = `${onNode}.%j.out`;
      // sbatch passes its own environment on to the job (--export=ALL): the stage's environment is that.
      const r = await runTool('sbatch', sbatchArgs(spec, { script, output }), { ...options.env, ...spec.env });
      if (r.error === 'ENOENT') throw notFound('sbatch');
      const id = r.stdout.trim().split(';')[0];
      if (r.code !== 0 || !/^\d+$/.test(id)) {
        const said = r.stderr.trim().split('\n').map((l) => l.replace(/^sbatch: (error: )?/, '')).filter(Boolean).join('; ');
        throw new CairnError('INVALID', `Slurm refused stage '${spec.stage}': ${said || `sbatch exited with ${r.code}`}`, {
          hint: 'check the resources and sbatch options of the stage in cairn.yaml (partition, gpus, time) against `sinfo`; nothing of this run was left queued',
          data: { stage: spec.stage, sbatch: said },
        });
      }
      let resolve!: (o: JobOutcome) => void;
      const done = new Promise<JobOutcome>((res) => (resolve = res));
      const tracked: Tracked = {
        id, spec, output: output.replace('%j', id), failedFile: failedFile.replace('%j', id),
        log: createWriteStream(spec.logFile), offset: 0, tail: tailKeeper(TAIL_LINES),
        prefixer: spec.prefixLines ? linePrefixer(`[${spec.stage}] `, (t) => spec.onOutput?.(t, 'stdout')) : null,
        phase: 'submitted', reason: '', missing: 0, cancelled: false, resolve,
      };
      jobs.set(id, tracked);
      outputs.set(id, tracked.output);
      spec.onEvent?.({ kind: 'submitted', id });
      schedule();
      return { id, done };
    },
    async cancel(ids) {
      const mine = ids.filter((id) => jobs.has(id));
      if (mine.length === 0) return;
      for (const id of mine) jobs.get(id)!.cancelled = true;
      const r = await runTool('scancel', mine, options.env);
      if (r.code !== 0 && !/Invalid job id|already completing|completed/i.test(r.stderr)) {
        throw new CairnError('REMOTE', `scancel ${mine.join(' ')} failed: ${r.stderr.trim() || r.error}`, { hint: `cancel them yourself: scancel ${mine.join(' ')}` });
      }
    },
    async log(id) {
      const file = outputs.get(id);
      return file ? fs.readFile(file, 'utf8').catch(() => '') : '';
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      await polling;
    },
  };
}
