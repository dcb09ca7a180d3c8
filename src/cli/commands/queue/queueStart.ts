import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { openRepo, type Repo } from '../../../core/repo.js';
import { listQueued } from '../../../experiments/queue/queueExperiments.js';
import { queueDir, queueLogPath, readQueueStates } from '../../../experiments/queue/queueState.js';
import { runQueued } from '../../../experiments/queue/runQueued.js';
import { submitQueued } from '../../../experiments/queue/submitQueued.js';
import { openExecutor } from '../../../pipeline/executors/openExecutor.js';
import { formatValue } from '../../../pipeline/metrics.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { positiveInt } from '../../positiveInt.js';

/** Runs one queued experiment in a child `cairn queue exec`, its output going to the experiment's log. */
function runChild(repo: Repo, ctx: CliContext, name: string): Promise<number> {
  const log = openSync(queueLogPath(repo, name), 'a');
  return new Promise((resolve) => {
    // Own processes: `queue kill NAME` can stop one experiment, and one crashing takes no other down.
    const child = spawn(process.execPath, [process.argv[1], 'queue', 'exec', name], { cwd: repo.root, env: ctx.env as NodeJS.ProcessEnv, stdio: ['ignore', log, log] });
    child.on('error', () => resolve(1));
    child.on('close', (code) => {
      closeSync(log);
      resolve(code ?? 1);
    });
  });
}

/** `queue start` on a cluster: every queued experiment is one job, all submitted at once. */
async function queueOnCluster(ctx: CliContext, repo: Repo, executorName: string): Promise<CommandResult> {
  const executor = openExecutor(executorName, repo, ctx);
  let submitted;
  try {
    submitted = await submitQueued(repo, ctx, { executor, cairnArgv: [process.execPath, process.argv[1]], onLog: (m) => ctx.info(m) });
  } finally {
    await executor.close();
  }
  const states = new Map(readQueueStates(repo).map((s) => [s.name, s]));
  const results = submitted.map((s) => {
    const o = s.outcome;
    const why = 'killedBy' in o && o.killedBy ? `stopped by the scheduler: ${o.killedBy}` : 'error' in o ? o.error.message : `exit ${o.exitCode}`;
    if (o.ok) ctx.info(`finished ${s.name}`);
    else if ('interrupted' in o && o.interrupted) ctx.info(`${s.name} was cancelled${o.started ? ' while running' : ' before it started'}`);
    else ctx.info(`${s.name} failed (${why}; \`cairn queue logs ${s.name}\` shows why)`);
    return { name: s.name, exitCode: o.ok ? 0 : o.exitCode ?? 1, ...(s.job ? { job: s.job } : {}), ...('error' in o ? { error: o.error } : {}), ...(states.get(s.name) ?? {}) };
  });
  const failed = results.filter((r) => r.exitCode !== 0);
  const text = results.length === 0 ? ['The queue is empty (add experiments with `cairn exp run --queue -S ...`).']
    : [`${results.length - failed.length} experiment(s) finished, ${failed.length} failed; see them with \`cairn exp show\`.`];
  return { data: { experiments: results }, summary: text, exitCode: ctx.signal?.aborted ? 130 : failed.length ? 12 : 0 };
}

/** `cairn queue start`: takes queued experiments oldest first, N at a time, until none are left (new ones included). */
export async function queueStart(ctx: CliContext, opts: Record<string, unknown>): Promise<CommandResult> {
  const jobs = positiveInt(opts.jobs, '--jobs', 'cairn queue start -j 2') ?? 1;
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  mkdirSync(queueDir(repo), { recursive: true });
  const executorName = String(opts.executor ?? repo.config.pipeline.executor);
  if (executorName !== 'local') return queueOnCluster(ctx, repo, executorName);
  const started = new Set<string>();
  const outcomes: Array<{ name: string; code: number }> = [];
  const lane = async () => {
    for (;;) {
      if (ctx.signal?.aborted) return;
      const next = (await listQueued(repo)).find((q) => !started.has(q.name));
      if (!next) return;
      started.add(next.name);
      ctx.info(`started ${next.name}${next.changes.length ? ` (${next.changes.map((c) => (c.op === 'delete' ? `~${c.key}` : `${c.key}=${formatValue(c.value)}`)).join(' ')})` : ''}`);
      const code = await runChild(repo, ctx, next.name);
      outcomes.push({ name: next.name, code });
      ctx.info(code === 0 ? `finished ${next.name}` : `${next.name} failed (exit ${code}; \`cairn queue logs ${next.name}\` shows why)`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, lane));
  const states = new Map(readQueueStates(repo).map((s) => [s.name, s]));
  const results = outcomes.map((o) => ({ name: o.name, exitCode: o.code, ...(states.get(o.name) ?? {}) }));
  const failed = results.filter((r) => r.exitCode !== 0);
  const text = outcomes.length === 0 ? ['The queue is empty (add experiments with `cairn exp run --queue -S ...`).']
    : [`${outcomes.length - failed.length} experiment(s) finished, ${failed.length} failed; see them with \`cairn exp show\`.`];
  return { data: { experiments: results }, summary: text, exitCode: failed.length ? 12 : 0 };
}

/** `cairn queue exec NAME` (hidden): the child that runs one experiment. */
export async function queueExec(ctx: CliContext, name: string): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const result = await runQueued(repo, ctx, name, { onOutput: (text, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(text) });
  return { data: { name: result.name, commit: result.commit }, summary: [`experiment ${result.name} saved (${result.commit.slice(0, 7)})`] };
}
