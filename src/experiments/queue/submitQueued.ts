import type { RunContext } from '../../core/context.js';
import type { Repo } from '../../core/repo.js';
import { loadPipeline } from '../../pipeline/loadPipeline.js';
import { combineResources } from '../../pipeline/executors/combineResources.js';
import type { Executor, JobOutcome } from '../../pipeline/stageExecutor.js';
import { listQueued } from './queueExperiments.js';
import { queueLogPath } from './queueState.js';

export interface SubmittedExperiment {
  name: string;
  job?: string;
  outcome: JobOutcome | { ok: false; exitCode: null; error: { code: string; message: string; hint?: string } };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * `queue start` on a cluster: every queued experiment becomes one job at once (the cluster decides how many run),
 * each running `cairn queue exec NAME` on its node, which claims, runs and saves it — and records its run, metrics
 * and the node's environment — exactly as a local worker does. The job asks for what the pipeline's stages ask
 * (the most CPUs, memory and GPUs of any stage; the sum of their time limits).
 */
export async function submitQueued(repo: Repo, ctx: RunContext, options: {
  executor: Executor;
  /** The argv that runs cairn on a node (node and bin/cairn.js on the shared file system). */
  cairnArgv: string[];
  onLog?: (message: string) => void;
}): Promise<SubmittedExperiment[]> {
  const { executor } = options;
  const say = options.onLog ?? (() => undefined);
  const queued = await listQueued(repo);
  if (queued.length === 0) return [];
  const resources = combineResources([...(await loadPipeline(repo)).stages.values()]);
  const jobs: Array<{ name: string; id?: string; done: Promise<SubmittedExperiment['outcome']> }> = [];
  const cancel = () => void executor.cancel(jobs.flatMap((j) => (j.id ? [j.id] : []))).catch(() => undefined);
  ctx.signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (const q of queued) {
      if (ctx.signal?.aborted) break;
      try {
        const job = await executor.submit({
          stage: `exp-${q.name}`,
          cmds: [[...options.cairnArgv, 'queue', 'exec', q.name].map(quote).join(' ')],
          shell: '/bin/sh', cwd: repo.root, env: Object.fromEntries(Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined)),
          logFile: queueLogPath(repo, q.name), ...(resources ? { resources } : {}),
          onEvent: (e) => {
            if (e.kind === 'submitted') say(`submitted ${q.name} as ${executor.name} job ${e.id}`);
            else if (e.kind === 'running') say(`${q.name} (job ${e.id}) is running${e.node ? ` on ${e.node}` : ''}`);
          },
        });
        jobs.push({ name: q.name, id: job.id, done: job.done });
      } catch (err) {
        const e = err as { code?: string; message: string; hint?: string };
        jobs.push({ name: q.name, done: Promise.resolve({ ok: false as const, exitCode: null, error: { code: e.code ?? 'INTERNAL', message: e.message, ...(e.hint ? { hint: e.hint } : {}) } }) });
        // The cluster refused one (a partition, a GPU count): it refuses the rest too, so none is left queued.
        cancel();
        break;
      }
    }
    // A job submitted while the interrupt came in was not there to cancel yet.
    if (ctx.signal?.aborted) cancel();
    return await Promise.all(jobs.map(async (j) => ({ name: j.name, ...(j.id ? { job: j.id } : {}), outcome: await j.done })));
  } finally {
    ctx.signal?.removeEventListener('abort', cancel);
  }
}
