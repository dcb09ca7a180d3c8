import type { StageGraph } from './dag.js';
import { CairnError } from './../core/errors.js';
import { finishStage, planStage, prepareRun, type PendingRun, type RunStageOptions, type StageResult } from './runStage.js';
import type { JobEvent, SubmittedJob } from './stageExecutor.js';
import type { Stage } from './types.js';
import { receiveStageOutputs, sendStageInputs } from './viaRemote.js';
import os from 'node:os';
import path from 'node:path';

const OK = new Set(['ran', 'restored', 'up-to-date', 'frozen']);

export interface SubmitStagesOptions {
  stageOptions: RunStageOptions;
  keepGoing: boolean;
  /** Called with each stage's result once it is known (run recording). */
  afterRun: (stage: Stage, result: StageResult) => Promise<StageResult>;
  /** The params files of a stage that an upstream stage writes. */
  late: (stage: Stage) => Set<string>;
  /** Nodes share no file system with cairn: deps and outputs go through the default remote (see viaRemote.ts). */
  viaRemote?: ViaRemote;
}

export interface ViaRemote {
  /** Names this run's files on the remote. */
  batch: string;
  /** Where the repository is checked out on the nodes. */
  nodeRoot: string;
  /** The argv that runs cairn on a node. */
  cairnArgv: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What each stage of the batch needs from the remote: deps known now, and deps an upstream job produces. */
async function sendInputs(entries: Map<string, Entry>, so: RunStageOptions, late: (stage: Stage) => Set<string>, batch: string): Promise<void> {
  const producedBy = new Map<string, string>();
  for (const e of entries.values()) for (const out of e.stage.outs) producedBy.set(out.path, e.stage.name);
  const stages = [];
  for (const e of entries.values()) {
    const from: Record<string, string> = {};
    const known = [];
    const hashed = e.run.inputs ? null : await so.hasher.inputs(e.stage, late(e.stage));
    for (const dep of e.stage.deps) {
      const producer = producedBy.get(dep);
      if (producer) {
        from[dep] = producer;
        continue;
      }
      const info = e.run.inputs?.deps.find((d) => d.path === dep) ?? (hashed?.deps.get(dep) ? { path: dep, ...hashed.deps.get(dep)! } : undefined);
      if (info) known.push({ path: dep, oid: info.oid, size: info.size, kind: info.files === undefined ? 'file' as const : 'dir' as const, ...(info.files !== undefined ? { files: info.files } : {}) });
    }
    stages.push({ stage: e.stage, known, from });
  }
  await sendStageInputs(so.repo, so.ctx, batch, stages);
}

interface Entry {
  stage: Stage;
  run: PendingRun;
  job?: SubmittedJob;
  state: 'planned' | 'submitted' | 'pending' | 'running' | 'done';
}

/**
 * The planner for an executor with dependencies (a cluster): every stage is decided first — frozen, up to date or
 * restored from the run cache, in topological order, before anything is submitted — then every stage that must run
 * is submitted at once, each waiting for the jobs of its upstream, so the cluster decides the parallelism. Results
 * are recorded here, by the controlling process, in topological order as the jobs finish; the jobs write no lock.
 */
export async function submitStages(order: Stage[], graph: StageGraph, o: SubmitStagesOptions): Promise<Map<string, StageResult>> {
  const so = o.stageOptions;
  const { ctx, executor } = so;
  const log = (message: string) => ctx.onLog?.('info', message);
  const selected = new Set(order.map((s) => s.name));
  const ups = (name: string) => (graph.upstream.get(name) ?? []).filter((u) => selected.has(u));
  const downstream = new Map<string, string[]>();
  for (const s of order) for (const u of ups(s.name)) downstream.set(u, [...(downstream.get(u) ?? []), s.name]);
  const results = new Map<string, StageResult>();
  const entries = new Map<string, Entry>();
  const notRun = (name: string, message: string): StageResult => ({ stage: name, outcome: 'not-run', reasons: [{ kind: 'upstream', message }] });
  let stopped = false;

  // 1. Decide every stage before submitting any.
  for (const stage of order) {
    if (ctx.signal?.aborted || stopped) break;
    const bad = ups(stage.name).find((u) => results.has(u) && !OK.has(results.get(u)!.outcome));
    if (bad) {
      results.set(stage.name, notRun(stage.name, `upstream stage ${bad} did not succeed`));
      continue;
    }
    const upstreamRuns = ups(stage.name).filter((u) => entries.has(u));
    const plan = await planStage(stage, so, { upstreamRuns, late: o.late(stage) });
    if ('done' in plan) {
      results.set(stage.name, await o.afterRun(stage, plan.done));
      if (!OK.has(plan.done.outcome) && !o.keepGoing) stopped = true;
      continue;
    }
    entries.set(stage.name, { stage, run: plan.run, state: 'planned' });
  }

  // Why jobs that never ran were cancelled (an upstream failure, or an earlier failure without --keep-going).
  const cancelledBecause = new Map<string, string>();
  const unfinished = () => [...entries.values()].filter((e) => e.job && e.state !== 'done');
  const cancel = async (list: Entry[], why: string | null, now = false) => {
    const ids: string[] = [];
    for (const e of list) {
      if (!e.job || e.state === 'done') continue;
      if (why && !cancelledBecause.has(e.stage.name)) cancelledBecause.set(e.stage.name, why);
      ids.push(e.job.id);
    }
    if (ids.length) await executor.cancel(ids, { now }).catch((err: Error) => ctx.onLog?.('warn', `could not cancel job(s) ${ids.join(', ')}: ${err.message}`));
  };
  const onAbort = () => void cancel(unfinished(), null);
  const onKill = () => void cancel(unfinished(), null, true);
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  ctx.kill?.addEventListener('abort', onKill, { once: true });

  const progress = (entry: Entry) => (event: JobEvent) => {
    const name = entry.stage.name;
    if (event.kind === 'submitted') {
      const after = ups(name).filter((u) => entries.get(u)?.job).map((u) => `${u} (${entries.get(u)!.job!.id})`);
      log(`Submitted stage '${name}' as ${executor.name} job ${event.id}${after.length ? `, after ${after.join(', ')}` : ''}`);
    } else if (event.kind === 'pending') {
      entry.state = 'pending';
      log(`Stage '${name}' (job ${event.id}) is pending${event.reason && event.reason !== 'None' ? `: ${event.reason}` : ''}`);
    } else if (event.kind === 'running') {
      entry.state = 'running';
      log(`Stage '${name}' (job ${event.id}) is running${event.node ? ` on ${event.node}` : ''}`);
    }
  };

  // 2. Submit the whole ready part of the graph, upstream first (a job names the ids of its upstream jobs).
  let submitError: StageResult | null = null;
  const via = o.viaRemote;
  if (via && entries.size && !ctx.signal?.aborted) await sendInputs(entries, so, o.late, via.batch);
  for (const entry of entries.values()) {
    if (ctx.signal?.aborted || submitError) break;
    const name = entry.stage.name;
    try {
      await submit(entry);
    } catch (err) {
      const e = err instanceof CairnError ? err : new CairnError('INTERNAL', `stage '${name}': ${(err as Error).message}`);
      submitError = { stage: name, outcome: 'failed', reasons: entry.run.reasons, exitCode: null, error: e.toJSON() };
      results.set(name, await o.afterRun(entry.stage, submitError));
    }
  }
  // A graph submitted in part would run without the stages it was refused: none of it runs. A job submitted while
  // an interrupt came in is cancelled here.
  if (submitError) await cancel(unfinished(), `not started: stage ${submitError.stage} could not be submitted`);
  else if (ctx.signal?.aborted) await cancel(unfinished(), null);

  async function submit(entry: Entry): Promise<void> {
    const name = entry.stage.name;
    const spec = await prepareRun(entry.run, so, 'Submitting');
    if (so.hooks?.beforeRun) spec.env = { ...spec.env, ...(await so.hooks.beforeRun(entry.stage)) };
    spec.after = ups(name).flatMap((u) => (entries.get(u)?.job ? [entries.get(u)!.job!.id] : []));
    spec.onEvent = progress(entry);
    if (via) {
      // The job runs in the node's checkout, fetching its deps first and sending its outputs last.
      const io = (verb: string) => [...via.cairnArgv, 'stage', 'job-io', verb, '--batch', via.batch, name].map(quote).join(' ');
      const wdir = path.join(via.nodeRoot, entry.stage.wdir);
      spec.cwd = wdir;
      spec.env = { ...spec.env, CAIRN_ROOT: via.nodeRoot, CAIRN_WDIR: wdir, PWD: wdir };
      spec.cmds = [io('pull'), ...spec.cmds, io('push')];
      // The node's checkout may have no .cairn/tmp: the job's raw output goes to its temp folder.
      spec.outputDir = os.tmpdir();
    }
    entry.job = await executor.submit(spec);
    entry.state = 'submitted';
  }

  // 3. Record each job as it finishes, one at a time in topological order (upstream jobs end first: afterok).
  let chain = Promise.resolve();
  const descendants = (name: string, seen = new Set<string>()): Set<string> => {
    for (const d of downstream.get(name) ?? []) if (!seen.has(d)) { seen.add(d); descendants(d, seen); }
    return seen;
  };
  const finish = (entry: Entry) => finishOne(entry).catch((err: unknown) => {
    const e = err instanceof CairnError ? err : new CairnError('INTERNAL', `stage '${entry.stage.name}': ${(err as Error).message}`);
    results.set(entry.stage.name, { stage: entry.stage.name, outcome: 'failed', reasons: entry.run.reasons, exitCode: null, error: e.toJSON(), job: entry.job!.id });
  });
  const finishOne = async (entry: Entry) => {
    const outcome = await entry.job!.done;
    entry.state = 'done';
    const name = entry.stage.name;
    const bad = ups(name).find((u) => results.has(u) && !OK.has(results.get(u)!.outcome));
    let result: StageResult;
    if (bad) result = { ...notRun(name, `upstream stage ${bad} did not succeed`), job: entry.job!.id };
    else if (outcome.interrupted && cancelledBecause.has(name)) {
      // cairn cancelled it for another stage's sake: not this stage's failure, nor the user's interrupt.
      result = { ...notRun(name, `${cancelledBecause.get(name)!}${outcome.started ? ' (cancelled while running)' : ''}`), job: entry.job!.id };
    }
    else {
      if (via && outcome.ok) await receiveStageOutputs(so.repo, ctx, via.batch, entry.stage);
      result = await finishStage(entry.run, so, { ...outcome, job: entry.job!.id });
      result = await o.afterRun(entry.stage, result);
      const how = result.outcome === 'ran' ? 'finished'
        : result.outcome === 'interrupted' ? 'was interrupted'
          : result.killedBy ? `was stopped by the scheduler (${result.killedBy})`
            : result.outcome === 'failed' ? `failed${result.exitCode !== undefined && result.exitCode !== null ? ` (exit code ${result.exitCode})` : ''}` : result.outcome;
      log(`Stage '${name}' (job ${entry.job!.id}) ${how}`);
    }
    results.set(name, result);
    if (!OK.has(result.outcome) && result.outcome !== 'not-run') {
      const below = [...descendants(name)].map((d) => entries.get(d)).filter((e): e is Entry => Boolean(e));
      await cancel(below, `upstream stage ${name} did not succeed`);
      // As locally: after a failure nothing new starts, unless --keep-going; what runs already may finish.
      if (!o.keepGoing) await cancel(unfinished().filter((e) => e.state !== 'running'), 'not started after an earlier failure');
    }
  };
  const waits = [...entries.values()].filter((e) => e.job).map((e) => e.job!.done.then(() => {
    chain = chain.then(() => finish(e));
    return chain;
  }));
  try {
    await Promise.all(waits);
    await chain;
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
    ctx.kill?.removeEventListener('abort', onKill);
  }

  const why = ctx.signal?.aborted ? 'interrupted before it started' : 'not started after an earlier failure';
  for (const stage of order) {
    if (results.has(stage.name)) continue;
    const bad = ups(stage.name).find((u) => results.has(u) && !OK.has(results.get(u)!.outcome));
    results.set(stage.name, notRun(stage.name, bad ? `upstream stage ${bad} did not succeed` : submitError ? `not submitted: stage ${submitError.stage} could not be` : why));
  }
  return results;
}
