import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { addToGitignore } from '../data/gitignore.js';
import { hashPath } from '../data/hashPath.js';
import { restorePath } from '../data/restorePath.js';
import { storePath } from '../data/storePath.js';
import { stageEnv, stageLogPath, stageShell, type OutputSink } from './executor.js';
import type { InputHasher } from './inputHasher.js';
import type { LockDep, LockEntry, LockFile, LockOut } from './lockFile.js';
import { decideStage } from './plan.js';
import { copyIntoCache, withCopyLinks } from './copyIntoCache.js';
import { outsInCache, readRunCacheEntry, runCacheEligible, runCacheKey, writeRunCacheEntry } from './runCache.js';
import { stageStatus, type PathState, type StageReason } from './stageStatus.js';
import type { StageHooks } from './stageHooks.js';
import type { Executor, JobOutcome, SchedulerKill, StageJobSpec } from './stageExecutor.js';
import type { Stage } from './types.js';

export type StageOutcome = 'ran' | 'restored' | 'up-to-date' | 'frozen' | 'failed' | 'interrupted' | 'not-run' | 'would-run';

export interface StageResult {
  stage: string;
  outcome: StageOutcome;
  reasons: StageReason[];
  /** For a failed stage: the exit code of its command (null when it died of a signal or never started). */
  exitCode?: number | null;
  error?: { code: string; message: string; hint?: string };
  /** The last lines of the command's output, for a failed stage. */
  tail?: string[];
  /** For a stage the scheduler ended (time limit, node failure, preemption): how. */
  killedBy?: SchedulerKill;
  /** The executor's id of the job that ran it (a Slurm job id). */
  job?: string;
  /** Path of the stage's log, relative to the repo root. */
  log?: string;
}

export interface RunStageOptions {
  repo: Repo;
  ctx: RunContext;
  hasher: InputHasher;
  lock: LockFile;
  force: boolean;
  /** Restore outputs from the run cache when the inputs were seen before. */
  useRunCache: boolean;
  /** Record this run in the run cache. */
  saveRunCache: boolean;
  prefixLines: boolean;
  onOutput?: OutputSink;
  /** Called with each .gitignore file (repo-relative) that now ignores a cached output. */
  onGitignore?: (file: string) => void;
  /** Called with the new lock entry once the stage's outputs are safe in the cache. */
  commit: (name: string, entry: LockEntry) => Promise<void>;
  /** Around the commands of a stage that runs (the experiments layer records runs through them). */
  hooks?: StageHooks;
  /** What runs the commands (the local process pool, or a cluster). */
  executor: Executor;
}

const toLockInfo = (p: string, s: PathState): LockDep => ({ path: p, oid: s.oid, size: s.size, ...(s.files !== undefined ? { files: s.files } : {}) });

/** The outputs with `push: false` copied from the stage's spec (a restored run may come from another spec). Pure. */
function withPushFlags(stage: Stage, outs: LockOut[]): LockOut[] {
  const local = new Set(stage.outs.filter((x) => !x.push).map((x) => x.path));
  return outs.map(({ push: _push, ...out }) => (local.has(out.path) ? { ...out, push: false as const } : out));
}

const samePushFlags = (a: LockOut[], b: LockOut[]) => a.every((x, i) => x.push === b[i].push);

function failure(stage: Stage, reasons: StageReason[], err: unknown): StageResult {
  const e = err instanceof CairnError ? err : fromSystemError(err, `stage ${stage.name} failed`);
  return { stage: stage.name, outcome: 'failed', reasons, exitCode: null, error: e.toJSON() };
}

/** Cached outputs live in the cache, not in Git: list them in the .gitignore beside them, as `cairn add` does. */
async function ignoreOutput(o: RunStageOptions, abs: string): Promise<void> {
  if (!o.repo.git) return;
  const file = await addToGitignore(abs);
  if (file) o.onGitignore?.(path.relative(o.repo.root, file));
}

/** A stage that must run: what the decision found, and what its job needs. */
export interface PendingRun {
  stage: Stage;
  reasons: StageReason[];
  /** Its inputs as hashed before the run; absent when an upstream stage of the same batch runs first (read after). */
  inputs?: { deps: LockDep[]; params: LockEntry['params']; key: string };
  wdirAbs: string;
  logFile: string;
  logRel: string;
}

export type StagePlan = { done: StageResult } | { run: PendingRun };

/**
 * Decides one stage: frozen, up to date, restored from the run cache (done here), or to run. `upstreamRuns` names
 * the selected upstream stages a batch executor runs first: the stage then runs after them, and its inputs are read
 * once it finished. `late`: params files an upstream stage writes (not read now).
 */
export async function planStage(stage: Stage, o: RunStageOptions, batch: { upstreamRuns?: string[]; late?: Set<string> } = {}): Promise<StagePlan> {
  const log = (message: string) => o.ctx.onLog?.('info', message);
  const upstreamRuns = batch.upstreamRuns ?? [];
  const inputs = await o.hasher.inputs(stage, upstreamRuns.length ? batch.late : undefined);
  const status = stageStatus(stage, o.lock.stages[stage.name], inputs);
  const item = decideStage(stage, status, { force: o.force, upstreamRunning: upstreamRuns });
  if (item.action === 'frozen') {
    if (status.changed) log(`Stage '${stage.name}' is frozen; not running it although it changed (${status.reasons.map((r) => r.message).join('; ')}).`);
    return { done: { stage: stage.name, outcome: 'frozen', reasons: item.reasons } };
  }
  if (item.action === 'skip') {
    // Only push flags changed in cairn.yaml: the lock records them without a run, so push and pull see the change.
    const locked = o.lock.stages[stage.name];
    const flagged = locked && withPushFlags(stage, locked.outs);
    if (flagged && !samePushFlags(flagged, locked.outs)) await o.commit(stage.name, { ...locked, outs: flagged });
    log(`Stage '${stage.name}' didn't change, skipping.`);
    return { done: { stage: stage.name, outcome: 'up-to-date', reasons: [] } };
  }
  const logFile = stageLogPath(o.repo.tmpDir, stage.name);
  const run: PendingRun = { stage, reasons: item.reasons, wdirAbs: path.resolve(o.repo.root, stage.wdir), logFile, logRel: path.relative(o.repo.root, logFile) };
  if (upstreamRuns.length === 0) {
    const missing = stage.deps.filter((d) => !inputs.deps.get(d));
    if (missing.length) return { done: failure(stage, item.reasons, missingDeps(stage, missing)) };
    const deps = stage.deps.map((d) => toLockInfo(d, inputs.deps.get(d)!));
    run.inputs = { deps, params: inputs.params, key: runCacheKey({ cmd: stage.cmd, deps, params: inputs.params, outs: stage.outs.map((x) => x.path) }) };
    const restored = await restoreFromRunCache(run, o);
    if (restored) return { done: restored };
  }
  if (!existsSync(run.wdirAbs) || !statSync(run.wdirAbs).isDirectory()) {
    return { done: failure(stage, item.reasons, new CairnError('INVALID', `stage '${stage.name}' cannot run: its wdir ${stage.wdir} is not a directory`, {
      hint: `create ${stage.wdir}, or fix wdir in ${stage.source.file}`,
    })) };
  }
  return { run };
}

function missingDeps(stage: Stage, missing: string[]): CairnError {
  return new CairnError('NOT_FOUND', `stage '${stage.name}' cannot run: dependency ${missing.join(', ')} does not exist`, {
    hint: 'the stage that outputs it did not produce it (is it frozen?), or create it',
    data: { stage: stage.name, paths: missing },
  });
}

/** Restores a stage's outputs when the lock entry or the run cache saw these inputs before. */
async function restoreFromRunCache(run: PendingRun, o: RunStageOptions): Promise<StageResult | null> {
  const { stage, inputs } = run;
  if (!inputs || !runCacheEligible(stage) || !o.useRunCache || o.force) return null;
  // The lock entry is a run too: when the inputs still match it and only outputs are missing or modified (a fresh
  // clone after `cairn pull`, a deleted model), its outputs come back from the cache like a run-cache hit.
  const locked = o.lock.stages[stage.name];
  const lockKey = locked && runCacheKey({ cmd: locked.cmd, deps: locked.deps, params: locked.params, outs: locked.outs.map((x) => x.path) });
  const hit = lockKey === inputs.key ? { outs: locked!.outs } : await readRunCacheEntry(o.repo.cacheDir, inputs.key);
  const sameOuts = hit && hit.outs.map((x) => x.path).sort().join('\0') === stage.outs.map((x) => x.path).sort().join('\0');
  if (!hit || !sameOuts || !(await outsInCache(o.repo.cacheDir, hit.outs))) return null;
  for (const out of hit.outs) {
    const abs = path.join(o.repo.root, out.path);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    const info = { kind: out.files === undefined ? 'file' as const : 'dir' as const, oid: out.oid, size: out.size,
      ...(out.files !== undefined ? { files: out.files } : {}), ...(out.exec ? { exec: true } : {}) };
    // An uncached output (kept in Git) comes back as a plain writable file, and stays out of .gitignore.
    await restorePath(out.cache === false ? withCopyLinks(o.repo) : o.repo, abs, info, { force: true });
    if (out.cache !== false) await ignoreOutput(o, abs);
    o.hasher.update(out.path, info);
  }
  await o.commit(stage.name, { cmd: stage.cmd, deps: inputs.deps, params: inputs.params, outs: withPushFlags(stage, hit.outs) });
  o.ctx.onLog?.('info', `Stage '${stage.name}' restored from run cache (${run.reasons.map((r) => r.message).join('; ')}).`);
  return { stage: stage.name, outcome: 'restored', reasons: run.reasons };
}

/**
 * Clears a stage's outputs (a stage never sees, or silently keeps, last run's results; persist: true opts out)
 * and describes its job.
 */
export async function prepareRun(run: PendingRun, o: RunStageOptions, verb = 'Running'): Promise<StageJobSpec> {
  const { stage } = run;
  for (const out of stage.outs) {
    const abs = path.join(o.repo.root, out.path);
    if (!out.persist) await fs.rm(abs, { recursive: true, force: true });
    await fs.mkdir(path.dirname(abs), { recursive: true });
    o.hasher.update(out.path);
  }
  o.ctx.onLog?.('info', `${verb} stage '${stage.name}' (${run.reasons.map((r) => r.message).join('; ')}):\n${stage.cmd.map((c) => `> ${c}`).join('\n')}`);
  return {
    stage: stage.name, cmds: stage.cmd, shell: stageShell(o.ctx.env), cwd: run.wdirAbs, logFile: run.logFile, onOutput: o.onOutput, prefixLines: o.prefixLines,
    env: stageEnv(o.ctx.env, { stage: stage.name, root: o.repo.root, wdir: stage.wdir }),
    ...(stage.resources ? { resources: stage.resources } : {}),
  };
}

const KILLS: Record<SchedulerKill, { what: string; hint: string }> = {
  TIMEOUT: { what: 'reached its time limit', hint: 'raise resources.time of the stage in cairn.yaml' },
  NODE_FAIL: { what: 'lost its node (the node failed)', hint: 'nothing to fix in the stage' },
  PREEMPTED: { what: 'was preempted by a job of higher priority', hint: 'nothing to fix in the stage (or use a partition without preemption)' },
  OUT_OF_MEMORY: { what: 'ran out of memory', hint: 'raise resources.mem of the stage in cairn.yaml' },
  DEADLINE: { what: 'missed its deadline', hint: 'remove or move the --deadline in the stage\'s sbatch options' },
  BOOT_FAIL: { what: 'could not boot its node', hint: 'nothing to fix in the stage' },
  CANCELLED: { what: 'was cancelled outside cairn (scancel, or an administrator)', hint: 'nothing to fix in the stage' },
};

/** How the job of a run ended, as a result: the failure report, or its outputs hashed, cached and recorded. */
export async function finishStage(run: PendingRun, o: RunStageOptions, r: JobOutcome & { job?: string }): Promise<StageResult> {
  const { stage, reasons, logRel } = run;
  const job = r.job ? { job: r.job } : {};
  if (r.interrupted) {
    if (!r.started) return { stage: stage.name, outcome: 'not-run', reasons: [{ kind: 'upstream', message: 'interrupted before it started' }], ...job };
    return { stage: stage.name, outcome: 'interrupted', reasons, exitCode: r.exitCode, tail: r.tail, log: logRel, ...job };
  }
  if (r.killedBy) {
    const kill = KILLS[r.killedBy];
    const err = new CairnError('STAGE_FAILED', `stage '${stage.name}' was stopped by the scheduler: it ${kill.what} (${r.killedBy}${r.detail ? `; ${r.detail}` : ''})`, {
      hint: `${kill.hint}; then run \`cairn repro\` again: the stages that finished are not rerun. Its output so far is in ${logRel}`,
      data: { stage: stage.name, killedBy: r.killedBy },
    });
    return { stage: stage.name, outcome: 'failed', reasons, exitCode: r.exitCode, killedBy: r.killedBy, error: err.toJSON(), tail: r.tail, log: logRel, ...job };
  }
  if (!r.ok) {
    const how = r.exitCode === 127 ? 'exited with code 127 (command not found)'
      : r.exitCode === null ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    const err = new CairnError('STAGE_FAILED', `stage '${stage.name}' failed: \`${r.failedCmd ?? stage.cmd.join(' && ')}\` ${how}`, {
      hint: `see the whole output in ${logRel}; fix the command and run \`cairn repro ${stage.name}\` again`,
    });
    return { stage: stage.name, outcome: 'failed', reasons, exitCode: r.exitCode, error: err.toJSON(), tail: r.tail, log: logRel, ...job };
  }
  const absent = stage.outs.filter((x) => !existsSync(path.join(o.repo.root, x.path)));
  if (absent.length) {
    const err = new CairnError('STAGE_FAILED', `stage '${stage.name}' did not produce ${absent.map((x) => `output ${x.path}`).join(', ')}`, {
      hint: 'make the command write it, or remove it from the stage\'s outs; cairn.lock was not changed',
      data: { stage: stage.name, paths: absent.map((x) => x.path) },
    });
    return { stage: stage.name, outcome: 'failed', reasons, exitCode: 0, error: err.toJSON(), tail: r.tail, log: logRel, ...job };
  }
  let inputs = run.inputs;
  if (!inputs) {
    // Run after an upstream stage of the same batch: its inputs are read now that they exist.
    const now = await o.hasher.inputs(stage);
    const missing = stage.deps.filter((d) => !now.deps.get(d));
    if (missing.length) return { ...failure(stage, reasons, missingDeps(stage, missing)), ...job };
    const deps = stage.deps.map((d) => toLockInfo(d, now.deps.get(d)!));
    inputs = { deps, params: now.params, key: runCacheKey({ cmd: stage.cmd, deps, params: now.params, outs: stage.outs.map((x) => x.path) }) };
  }
  const outs: LockOut[] = [];
  for (const out of stage.outs) {
    const abs = path.join(o.repo.root, out.path);
    const info = out.cache ? await storePath(o.repo, abs, o.ctx) : await hashPath(o.repo, abs, o.ctx);
    if (out.cache) await ignoreOutput(o, abs);
    o.hasher.update(out.path, { kind: info.kind, oid: info.oid, size: info.size, ...(info.files !== undefined ? { files: info.files } : {}) });
    outs.push({
      ...toLockInfo(out.path, info),
      ...(info.kind === 'file' && info.exec ? { exec: true as const } : {}),
      ...(out.cache ? {} : { cache: false as const }),
      ...(out.push ? {} : { push: false as const }),
    });
  }
  const entry: LockEntry = { cmd: stage.cmd, deps: inputs.deps, params: inputs.params, outs };
  const saveRun = runCacheEligible(stage) && o.saveRunCache;
  // Before the lock names this run: every object a run-cache entry needs is in the cache first.
  if (saveRun) for (const out of outs.filter((x) => x.cache === false)) await copyIntoCache(o.repo, path.join(o.repo.root, out.path), o.ctx);
  await o.commit(stage.name, entry);
  if (saveRun) {
    await writeRunCacheEntry(o.repo.cacheDir, { schema: '1', key: inputs.key, stage: stage.name, ...entry });
  }
  return { stage: stage.name, outcome: 'ran', reasons, log: logRel, ...job };
}

/** Brings a stage up to date: decides, then restores from the run cache or runs it and records its outputs. */
export async function runStage(stage: Stage, o: RunStageOptions): Promise<StageResult> {
  const plan = await planStage(stage, o);
  if ('done' in plan) return plan.done;
  const spec = await prepareRun(plan.run, o);
  if (o.hooks?.beforeRun) spec.env = { ...spec.env, ...(await o.hooks.beforeRun(stage)) };
  const job = await o.executor.submit(spec);
  return finishStage(plan.run, o, await job.done);
}
