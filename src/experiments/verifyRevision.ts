import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { checkout } from '../data/checkout.js';
import { resolveRev } from '../git/git.js';
import { isStageTarget } from '../pipeline/dag.js';
import type { OutputSink } from '../pipeline/executor.js';
import type { LockEntry } from '../pipeline/lockFile.js';
import { loadPipeline } from '../pipeline/loadPipeline.js';
import { readPipelineLocks } from '../pipeline/pipelineLocks.js';
import { repro } from '../pipeline/repro.js';
import type { StageOutcome } from '../pipeline/runStage.js';
import { pull } from '../remote/pushPull.js';
import { compareRecorded, type VerifiedInput, type VerifiedOutput } from './compareRecorded.js';
import { openExpWorkspace } from './expWorkspace.js';

export interface VerifyOptions {
  /** A revision (branch, tag, commit id); resolved to the commit. */
  rev: string;
  /** Only this stage and the stages it needs (default: every stage). */
  stage?: string;
  /** Leave the isolated workspace in place (its path is in the result) instead of removing it. */
  keep?: boolean;
  jobs?: number;
  /** The stages' own output, live. */
  onOutput?: OutputSink;
}

export interface VerifyResult {
  rev: string;
  commit: string;
  stage: string | null;
  /** True when every stage ran and every output has the bytes cairn.lock recorded at the commit. */
  reproduced: boolean;
  stages: { stage: string; outcome: StageOutcome; error?: string }[];
  outputs: VerifiedOutput[];
  /** Inputs a stage ran on that differ from what the commit recorded (a cause of differing outputs). */
  inputs: VerifiedInput[];
  /** The output paths whose bytes differ (or that were not produced). */
  differing: string[];
  /** Tracked data neither in the cache nor on the remote: the stages reading it could not run on the recorded bytes. */
  missing_data: string[];
  /** The isolated workspace, when kept. */
  workspace: string | null;
}

/** The commit and stage checked before anything is created, so bad input leaves no worktree behind. */
async function checkInput(repo: Repo, options: VerifyOptions): Promise<string> {
  if (!repo.git) throw new CairnError('USAGE', 'verify reproduces a Git commit, and this repository does not use Git', { hint: 'verify needs `git init` and a commit' });
  const commit = await resolveRev(repo.root, options.rev);
  const pipeline = await loadPipeline(repo, { rev: commit });
  if (pipeline.stages.size === 0) {
    throw new CairnError('NOT_FOUND', `there is no pipeline to verify at ${options.rev}: no cairn.yaml with stages is committed there`, {
      hint: 'verify a commit whose cairn.yaml and cairn.lock record the stages (`git log -- cairn.lock`)',
    });
  }
  if (options.stage !== undefined && !isStageTarget(pipeline, options.stage)) {
    throw new CairnError('NOT_FOUND', `there is no stage "${options.stage}" at ${options.rev}`, {
      hint: `the stages there: ${[...pipeline.stages.keys()].join(', ')}`,
    });
  }
  return commit;
}

/**
 * Reproduces the pipeline of a commit in an isolated workspace (a detached worktree sharing the cache; run cache off;
 * tracked data from the cache, fetched from the default remote when missing), runs the stages (all, or one and what it
 * needs), and compares each output's bytes with what cairn.lock recorded at that commit. The user's files, the
 * tracking store and the run cache are left alone.
 */
export async function verifyRevision(repo: Repo, ctx: RunContext, options: VerifyOptions): Promise<VerifyResult> {
  const commit = await checkInput(repo, options);
  const ws = await openExpWorkspace(repo, ctx, { name: 'verify', rev: commit, copyDirty: false, overrides: { pipeline: { run_cache: false } } });
  try {
    const copy = ws.repo;
    const pipeline = await loadPipeline(copy);
    const recorded: Record<string, LockEntry> = { ...(await readPipelineLocks(copy, pipeline)).view.stages };
    const outputs = new Set(Object.values(recorded).flatMap((e) => e.outs.map((o) => o.path)));
    // Outputs the stages make again need not be fetched; inputs do.
    let missing = ws.missingData.filter((p) => !outputs.has(p));
    if (missing.length && copy.config.core.remote) {
      await pull(copy, { targets: missing, force: true }, { ...ctx, cwd: copy.root }).catch((err: unknown) => {
        if (!(err instanceof CairnError)) throw err;
        ctx.onLog?.('warn', `could not fetch ${missing.join(', ')} from the remote: ${err.message}`);
      });
      missing = await stillMissing(copy, ctx, missing);
    }
    const run = await repro(copy, { ...ctx, cwd: copy.root }, {
      targets: options.stage === undefined ? undefined : [options.stage],
      force: true, runCache: false, keepGoing: true, jobs: options.jobs, onOutput: options.onOutput,
    });
    const now = (await readPipelineLocks(copy, pipeline)).view.stages;
    const stages = run.stages.map((s) => ({ stage: s.stage, outcome: s.outcome, ...(s.error ? { error: s.error.message } : {}) }));
    const ran = new Set(run.stages.filter((s) => s.outcome === 'ran').map((s) => s.stage));
    const frozen = new Set(run.stages.filter((s) => s.outcome === 'frozen').map((s) => s.stage));
    const compared = compareRecorded({ stages: run.stages.map((s) => s.stage), recorded, now, ran, frozen });
    const differing = compared.outputs.filter((o) => !o.match).map((o) => o.path);
    return {
      rev: options.rev, commit, stage: options.stage ?? null,
      reproduced: differing.length === 0 && run.failed.length === 0 && !run.interrupted,
      stages, ...compared, differing, missing_data: missing,
      workspace: options.keep ? copy.root : null,
    };
  } finally {
    if (!options.keep) await ws.dispose();
  }
}

/** Which of the paths are still not in the workspace copy after a fetch. */
async function stillMissing(copy: Repo, ctx: RunContext, paths: string[]): Promise<string[]> {
  const result = await checkout(copy, { ...ctx, cwd: copy.root, targets: paths, force: true });
  return result.failed.map((f) => f.path);
}

/** What `cairn verify --record` keeps in a version's tag: the verdict, when, and each output's bytes. Pure. */
export function verificationRecord(result: VerifyResult, time: number): Record<string, unknown> {
  return {
    reproduced: result.reproduced,
    time: new Date(time).toISOString(),
    commit: result.commit,
    stage: result.stage,
    outputs: result.outputs.map((o) => ({ path: o.path, status: o.status, recorded: o.recorded_oid, reproduced: o.reproduced_oid })),
  };
}
