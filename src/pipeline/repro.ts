import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { withRepoLock } from '../core/repoLock.js';
import { resolveTarget, topoOrder, type StageGraph } from './dag.js';
import type { OutputSink } from './executor.js';
import { InputHasher } from './inputHasher.js';
import type { LockEntry } from './lockFile.js';
import { loadPipeline } from './loadPipeline.js';
import { deferUpstreamParams, planStages } from './plan.js';
import { readPipelineLocks, setLockEntry, writePipelineLock } from './pipelineLocks.js';
import { pullStageOutputs, type PullOutputsReport } from './pullOutputs.js';
import { runStage, type StageResult } from './runStage.js';
import { stageStatus, type StageStatus } from './stageStatus.js';
import type { Pipeline, Stage } from './types.js';
import { validatePipeline } from './validate.js';
import type { StageHooks } from './stageHooks.js';
import { localExecutor } from './executors/localExecutor.js';
import type { Executor } from './stageExecutor.js';
import { submitStages, type ViaRemote } from './submitStages.js';

export interface ReproOptions {
  targets?: string[];
  /** -f: run the selected stages even when nothing changed (and do not restore from the run cache). */
  force?: boolean;
  /** -s: only the targets, not their upstream. */
  single?: boolean;
  /** The targets and everything downstream of them. */
  downstream?: boolean;
  /** Say what would run and why, change nothing. */
  dry?: boolean;
  /** How many stages may run at once (default 1). */
  jobs?: number;
  /** After a failure, keep running the stages that do not depend on it. */
  keepGoing?: boolean;
  /** false: never restore from the run cache (--no-run-cache). The pipeline.run_cache setting also applies. */
  runCache?: boolean;
  /** Fetch the locked outputs of the selected stages (and the run cache) from the default remote first. */
  pull?: boolean;
  /** Live output of the stages' commands. */
  onOutput?: OutputSink;
  /** Around each stage that runs its commands (run recording). */
  hooks?: StageHooks;
  /** What runs the stages' commands; default: the local process pool. One with dependencies gets the whole graph. */
  executor?: Executor;
  /** With an executor with dependencies: deps and outputs go through the default remote (nodes without a shared fs). */
  viaRemote?: ViaRemote;
}

export interface ReproResult {
  dry: boolean;
  stages: StageResult[];
  failed: string[];
  interrupted: boolean;
  /** Files this run changed that belong in Git: cairn.lock files and any .gitignore that now lists an output. */
  gitFiles: string[];
  /** What --pull fetched. */
  pulled?: PullOutputsReport;
}

/** The pipeline, checked, and the stages a run selects in dependency order. */
export async function selectStages(repo: Repo, options: Pick<ReproOptions, 'targets' | 'single' | 'downstream'>, loaded?: Pipeline): Promise<{
  pipeline: Pipeline; graph: StageGraph; order: Stage[];
}> {
  const pipeline = loaded ?? await loadPipeline(repo);
  if (pipeline.stages.size === 0) {
    throw new CairnError('NOT_FOUND', `there are no stages to reproduce: ${pipeline.file} is missing or empty`, {
      hint: 'add a stage with `cairn stage add -n NAME -d DEP -o OUT CMD`',
      data: { empty: true },
    });
  }
  const graph = validatePipeline(pipeline, { exists: (p) => existsSync(path.join(repo.root, p)) });
  const targets = options.targets ?? [];
  let order: Stage[];
  if (options.single && targets.length) {
    const wanted = new Set(targets.flatMap((t) => resolveTarget(pipeline, t)));
    order = topoOrder(pipeline, undefined, { graph }).filter((s) => wanted.has(s.name));
  } else {
    order = topoOrder(pipeline, targets, { downstream: options.downstream, graph });
  }
  return { pipeline, graph, order };
}

/** The params files of a stage that another stage writes. */
const lateParams = (graph: StageGraph, stage: Stage) => new Set((graph.paramsFrom.get(stage.name) ?? []).map((p) => p.file));

/** Statuses of the given stages without running anything (for --dry and `cairn status`). */
export async function forecast(repo: Repo, ctx: RunContext, selection: { pipeline: Pipeline; order: Stage[]; graph: StageGraph }, force = false): Promise<{
  statuses: Map<string, StageStatus>; plan: ReturnType<typeof planStages>;
}> {
  const { pipeline, order, graph } = selection;
  const lock = (await readPipelineLocks(repo, pipeline)).view;
  const hasher = new InputHasher(repo, ctx);
  const statuses = new Map<string, StageStatus>();
  await Promise.all(order.map(async (s) => statuses.set(s.name, stageStatus(s, lock.stages[s.name], await hasher.inputs(s, lateParams(graph, s))))));
  return { statuses, plan: deferUpstreamParams(planStages(order, statuses, graph.upstream, { force }), graph.paramsFrom) };
}

/** `cairn repro`: brings the selected stages up to date, upstream first, up to `jobs` at a time. */
export async function repro(repo: Repo, ctx: RunContext, options: ReproOptions = {}): Promise<ReproResult> {
  const selection = await selectStages(repo, options);
  const { pipeline, graph, order } = selection;
  if (options.dry) {
    const { plan } = await forecast(repo, ctx, selection, options.force);
    const stages = plan.map((p): StageResult => ({
      stage: p.stage, reasons: p.reasons, outcome: p.action === 'run' ? 'would-run' : p.action === 'frozen' ? 'frozen' : 'up-to-date',
    }));
    return { dry: true, stages, failed: [], interrupted: false, gitFiles: [] };
  }
  const hasher = new InputHasher(repo, ctx);
  // Reading every stage's params first makes a missing key fail before anything runs (except in params files an
  // upstream stage writes: those are read when their stage is about to run, as DVC does).
  for (const stage of order) await hasher.params(stage, lateParams(graph, stage));
  return withRepoLock(repo.tmpDir, { onWait: (who) => ctx.onLog?.('info', `waiting for the repository lock held by ${who}`) }, async () => {
    const locks = await readPipelineLocks(repo, pipeline);
    const lock = locks.view;
    const gitFiles = new Set<string>();
    let pulled: PullOutputsReport | undefined;
    if (options.pull) {
      pulled = await pullStageOutputs(repo, ctx, order, lock);
      ctx.onLog?.('info', `Fetched ${pulled.transferred} object(s) from remote "${pulled.remote}" (${pulled.present} already in the cache)`
        + (pulled.failed.length ? `; not on the remote: ${pulled.failed.join(', ')} (their stages will run)` : ''));
    }
    let writes = Promise.resolve();
    const entries = new Map<string, LockEntry>();
    const commit = (name: string, entry: LockEntry) => {
      entries.set(name, entry);
      const file = setLockEntry(locks, pipeline.stages.get(name)!, entry);
      // Writes are chained so concurrent stages never interleave two writes of a cairn.lock.
      writes = writes.then(async () => {
        if (await writePipelineLock(repo, locks, file)) gitFiles.add(file);
      });
      return writes;
    };
    const jobs = Math.max(1, options.jobs ?? 1);
    const executor = options.executor ?? localExecutor({ signal: ctx.signal, kill: ctx.kill });
    const stageOptions = {
      repo, ctx, hasher, lock, force: Boolean(options.force),
      useRunCache: options.runCache !== false && repo.config.pipeline.run_cache,
      saveRunCache: repo.config.pipeline.run_cache,
      prefixLines: executor.dependencies || jobs > 1, onOutput: options.onOutput, commit, onGitignore: (f: string) => gitFiles.add(f), hooks: options.hooks,
      executor,
    };
    const afterRun = async (stage: Stage, result: StageResult) => {
      await options.hooks?.afterRun?.(stage, result, entries.get(stage.name));
      return result;
    };
    let results: Map<string, StageResult>;
    try {
      results = executor.dependencies
        ? await submitStages(order, graph, {
          stageOptions, keepGoing: Boolean(options.keepGoing), afterRun, late: (s) => lateParams(graph, s), ...(options.viaRemote ? { viaRemote: options.viaRemote } : {}),
        })
        : await schedule(order, graph, jobs, Boolean(options.keepGoing), ctx.signal, (stage) => runStage(stage, stageOptions).then((r) => afterRun(stage, r)));
    } finally {
      await executor.close();
    }
    await writes;
    const stages = order.map((s) => results.get(s.name)!);
    return {
      dry: false,
      stages,
      failed: stages.filter((s) => s.outcome === 'failed').map((s) => s.stage),
      interrupted: Boolean(ctx.signal?.aborted) || stages.some((s) => s.outcome === 'interrupted'),
      gitFiles: [...gitFiles].sort(),
      ...(pulled ? { pulled } : {}),
    };
  });
}

const OK = new Set(['ran', 'restored', 'up-to-date', 'frozen']);

/**
 * Runs stages as their upstream finish, at most `jobs` at once, in topological order (ties by that order). A stage
 * whose upstream failed is not run; after a failure nothing new starts unless keepGoing; an abort starts nothing new.
 */
async function schedule(
  order: Stage[], graph: StageGraph, jobs: number, keepGoing: boolean, signal: AbortSignal | undefined,
  run: (stage: Stage) => Promise<StageResult>,
): Promise<Map<string, StageResult>> {
  const selected = new Set(order.map((s) => s.name));
  const results = new Map<string, StageResult>();
  const pending = [...order];
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  const notRun = (stage: Stage, message: string): StageResult => ({ stage: stage.name, outcome: 'not-run', reasons: [{ kind: 'upstream', message }] });
  for (;;) {
    if (signal?.aborted) stopped = true;
    for (let i = 0; i < pending.length && running.size < jobs && !stopped; ) {
      const stage = pending[i];
      const ups = (graph.upstream.get(stage.name) ?? []).filter((u) => selected.has(u));
      const bad = ups.find((u) => results.has(u) && !OK.has(results.get(u)!.outcome));
      if (bad) {
        results.set(stage.name, notRun(stage, `upstream stage ${bad} did not succeed`));
        pending.splice(i, 1);
        continue;
      }
      if (!ups.every((u) => results.has(u))) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const task = run(stage)
        .catch((err): StageResult => {
          const e = err instanceof CairnError ? err : new CairnError('INTERNAL', `stage '${stage.name}': ${(err as Error).message}`);
          return { stage: stage.name, outcome: 'failed', reasons: [], exitCode: null, error: e.toJSON() };
        })
        .then((result) => {
          results.set(stage.name, result);
          running.delete(stage.name);
          if (!OK.has(result.outcome) && !keepGoing) stopped = true;
          if (result.outcome === 'interrupted') stopped = true;
        });
      running.set(stage.name, task);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  const why = signal?.aborted ? 'interrupted before it started' : 'not started after an earlier failure';
  for (const stage of pending) {
    const bad = (graph.upstream.get(stage.name) ?? []).find((u) => selected.has(u) && results.has(u) && !OK.has(results.get(u)!.outcome));
    results.set(stage.name, notRun(stage, bad ? `upstream stage ${bad} did not succeed` : why));
  }
  return results;
}
