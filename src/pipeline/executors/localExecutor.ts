import { promises as fs } from 'node:fs';
import { runStageCommands } from '../executor.js';
import type { Executor, JobOutcome, StageJobSpec, SubmittedJob } from '../stageExecutor.js';

export interface LocalExecutorOptions {
  /** Aborted on Ctrl-C: every running stage gets SIGINT, then SIGKILL after a grace period. */
  signal?: AbortSignal;
  /** Aborted when cairn must exit now (a second Ctrl-C): SIGKILL at once. */
  kill?: AbortSignal;
  killGraceMs?: number;
}

/**
 * Runs each stage at once as a process group on this machine. It has no dependencies: the planner starts a stage
 * only when its upstream finished, at most `jobs` at a time.
 */
export function localExecutor(options: LocalExecutorOptions = {}): Executor {
  const jobs = new Map<string, { stop: AbortController; kill: AbortController }>();
  const logs = new Map<string, string>();
  let next = 0;
  const follow = (from: AbortSignal | undefined, to: AbortController) => {
    if (!from) return;
    if (from.aborted) to.abort();
    else from.addEventListener('abort', () => to.abort(), { once: true });
  };
  return {
    name: 'local',
    dependencies: false,
    async submit(spec: StageJobSpec): Promise<SubmittedJob> {
      const id = `local-${++next}`;
      const stop = new AbortController();
      const kill = new AbortController();
      follow(options.signal, stop);
      follow(options.kill, kill);
      jobs.set(id, { stop, kill });
      logs.set(id, spec.logFile);
      spec.onEvent?.({ kind: 'submitted', id });
      spec.onEvent?.({ kind: 'running', id });
      const done = runStageCommands({
        stage: spec.stage, cmds: spec.cmds, shell: spec.shell, cwd: spec.cwd, env: spec.env, logFile: spec.logFile,
        signal: stop.signal, kill: kill.signal, onOutput: spec.onOutput, prefixLines: spec.prefixLines, killGraceMs: options.killGraceMs,
      }).then((r): JobOutcome => {
        const outcome = { ...r, started: true };
        spec.onEvent?.({ kind: 'done', id, outcome });
        return outcome;
      }).finally(() => jobs.delete(id));
      return { id, done };
    },
    async cancel(ids, cancelOptions = {}) {
      for (const id of ids) {
        const job = jobs.get(id);
        if (!job) continue;
        (cancelOptions.now ? job.kill : job.stop).abort();
      }
    },
    async log(id) {
      const file = logs.get(id);
      return file ? fs.readFile(file, 'utf8').catch(() => '') : '';
    },
    async close() {},
  };
}
