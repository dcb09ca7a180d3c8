import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { addToGitignore } from '../data/gitignore.js';
import { hashPath } from '../data/hashPath.js';
import { restorePath } from '../data/restorePath.js';
import { storePath } from '../data/storePath.js';
import { runStageCommands, stageEnv, stageLogPath, stageShell, type OutputSink } from './executor.js';
import type { InputHasher } from './inputHasher.js';
import type { LockDep, LockEntry, LockFile, LockOut } from './lockFile.js';
import { decideStage } from './plan.js';
import { copyIntoCache, withCopyLinks } from './copyIntoCache.js';
import { outsInCache, readRunCacheEntry, runCacheEligible, runCacheKey, writeRunCacheEntry } from './runCache.js';
import { stageStatus, type PathState, type StageReason } from './stageStatus.js';
import type { StageHooks } from './stageHooks.js';
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

/** Brings a stage up to date: decides, then restores from the run cache or runs it and records its outputs. */
export async function runStage(stage: Stage, o: RunStageOptions): Promise<StageResult> {
  const log = (message: string) => o.ctx.onLog?.('info', message);
  const inputs = await o.hasher.inputs(stage);
  const status = stageStatus(stage, o.lock.stages[stage.name], inputs);
  const item = decideStage(stage, status, { force: o.force });
  if (item.action === 'frozen') {
    if (status.changed) log(`Stage '${stage.name}' is frozen; not running it although it changed (${status.reasons.map((r) => r.message).join('; ')}).`);
    return { stage: stage.name, outcome: 'frozen', reasons: item.reasons };
  }
  if (item.action === 'skip') {
    // Only push flags changed in cairn.yaml: the lock records them without a run, so push and pull see the change.
    const locked = o.lock.stages[stage.name];
    const flagged = locked && withPushFlags(stage, locked.outs);
    if (flagged && !samePushFlags(flagged, locked.outs)) await o.commit(stage.name, { ...locked, outs: flagged });
    log(`Stage '${stage.name}' didn't change, skipping.`);
    return { stage: stage.name, outcome: 'up-to-date', reasons: [] };
  }
  const missing = stage.deps.filter((d) => !inputs.deps.get(d));
  if (missing.length) {
    return failure(stage, item.reasons, new CairnError('NOT_FOUND', `stage '${stage.name}' cannot run: dependency ${missing.join(', ')} does not exist`, {
      hint: 'the stage that outputs it did not produce it (is it frozen?), or create it',
      data: { stage: stage.name, paths: missing },
    }));
  }
  const deps = stage.deps.map((d) => toLockInfo(d, inputs.deps.get(d)!));
  const key = runCacheKey({ cmd: stage.cmd, deps, params: inputs.params, outs: stage.outs.map((x) => x.path) });
  const eligible = runCacheEligible(stage);

  if (eligible && o.useRunCache && !o.force) {
    // The lock entry is a run too: when the inputs still match it and only outputs are missing or modified (a fresh
    // clone after `cairn pull`, a deleted model), its outputs come back from the cache like a run-cache hit.
    const locked = o.lock.stages[stage.name];
    const lockKey = locked && runCacheKey({ cmd: locked.cmd, deps: locked.deps, params: locked.params, outs: locked.outs.map((x) => x.path) });
    const hit = lockKey === key ? { outs: locked!.outs } : await readRunCacheEntry(o.repo.cacheDir, key);
    const sameOuts = hit && hit.outs.map((x) => x.path).sort().join('\0') === stage.outs.map((x) => x.path).sort().join('\0');
    if (hit && sameOuts && (await outsInCache(o.repo.cacheDir, hit.outs))) {
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
      await o.commit(stage.name, { cmd: stage.cmd, deps, params: inputs.params, outs: withPushFlags(stage, hit.outs) });
      log(`Stage '${stage.name}' restored from run cache (${item.reasons.map((r) => r.message).join('; ')}).`);
      return { stage: stage.name, outcome: 'restored', reasons: item.reasons };
    }
  }

  const wdirAbs = path.resolve(o.repo.root, stage.wdir);
  if (!existsSync(wdirAbs) || !statSync(wdirAbs).isDirectory()) {
    return failure(stage, item.reasons, new CairnError('INVALID', `stage '${stage.name}' cannot run: its wdir ${stage.wdir} is not a directory`, {
      hint: `create ${stage.wdir}, or fix wdir in ${stage.source.file}`,
    }));
  }
  // Outputs are removed first so a stage never sees (or silently keeps) last run's results; persist: true opts out.
  for (const out of stage.outs) {
    const abs = path.join(o.repo.root, out.path);
    if (!out.persist) await fs.rm(abs, { recursive: true, force: true });
    await fs.mkdir(path.dirname(abs), { recursive: true });
    o.hasher.update(out.path);
  }
  const logFile = stageLogPath(o.repo.tmpDir, stage.name);
  const logRel = path.relative(o.repo.root, logFile);
  log(`Running stage '${stage.name}' (${item.reasons.map((r) => r.message).join('; ')}):\n${stage.cmd.map((c) => `> ${c}`).join('\n')}`);
  const extraEnv = o.hooks?.beforeRun ? await o.hooks.beforeRun(stage) : {};
  const r = await runStageCommands({
    stage: stage.name, cmds: stage.cmd, shell: stageShell(o.ctx.env), cwd: wdirAbs, logFile, signal: o.ctx.signal, kill: o.ctx.kill, onOutput: o.onOutput, prefixLines: o.prefixLines,
    env: { ...stageEnv(o.ctx.env, { stage: stage.name, root: o.repo.root, wdir: stage.wdir }), ...extraEnv },
  });
  if (r.interrupted) return { stage: stage.name, outcome: 'interrupted', reasons: item.reasons, exitCode: r.exitCode, tail: r.tail, log: logRel };
  if (!r.ok) {
    const how = r.exitCode === 127 ? 'exited with code 127 (command not found)'
      : r.exitCode === null ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    const err = new CairnError('STAGE_FAILED', `stage '${stage.name}' failed: \`${r.failedCmd}\` ${how}`, {
      hint: `see the whole output in ${logRel}; fix the command and run \`cairn repro ${stage.name}\` again`,
    });
    return { stage: stage.name, outcome: 'failed', reasons: item.reasons, exitCode: r.exitCode, error: err.toJSON(), tail: r.tail, log: logRel };
  }
  const absent = stage.outs.filter((x) => !existsSync(path.join(o.repo.root, x.path)));
  if (absent.length) {
    const err = new CairnError('STAGE_FAILED', `stage '${stage.name}' did not produce ${absent.map((x) => `output ${x.path}`).join(', ')}`, {
      hint: 'make the command write it, or remove it from the stage\'s outs; cairn.lock was not changed',
      data: { stage: stage.name, paths: absent.map((x) => x.path) },
    });
    return { stage: stage.name, outcome: 'failed', reasons: item.reasons, exitCode: 0, error: err.toJSON(), tail: r.tail, log: logRel };
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
  const entry: LockEntry = { cmd: stage.cmd, deps, params: inputs.params, outs };
  const saveRun = eligible && o.saveRunCache;
  // Before the lock names this run: every object a run-cache entry needs is in the cache first.
  if (saveRun) for (const out of outs.filter((x) => x.cache === false)) await copyIntoCache(o.repo, path.join(o.repo.root, out.path), o.ctx);
  await o.commit(stage.name, entry);
  if (saveRun) {
    await writeRunCacheEntry(o.repo.cacheDir, { schema: '1', key, stage: stage.name, ...entry });
  }
  return { stage: stage.name, outcome: 'ran', reasons: item.reasons, log: logRel };
}
