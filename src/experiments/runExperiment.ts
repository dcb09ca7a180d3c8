import { promises as fs } from 'node:fs';
import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { headCommit } from '../git/git.js';
import { commitWorktree, createRef } from '../git/refs.js';
import { repro, type ReproOptions, type ReproResult } from '../pipeline/repro.js';
import { describeWorkspace } from './describeState.js';
import { editParamsFiles } from './editParamsFiles.js';
import { EXP_REF_PREFIX, listExperiments } from './listExperiments.js';
import { checkExpName, generateExpName } from './expNames.js';
import { formatExpMessage, SUMMARY_VERSION, type ExpSummary } from './expSummary.js';
import { openExpWorkspace } from './expWorkspace.js';
import { repoRecorder } from './repoRecorder.js';
import type { ParamChange } from './overrides.js';

export interface RunExperimentOptions extends Pick<ReproOptions, 'targets' | 'jobs' | 'force' | 'runCache' | 'onOutput'> {
  name?: string;
  /** What the user typed, for the run's mlflow.source.name. */
  command?: string;
  changes: ParamChange[];
  /** Run in the workspace itself instead of an isolated copy (the user's files change, as with `cairn repro`). */
  inPlace?: boolean;
}

export interface ExperimentResult {
  name: string;
  ref: string;
  commit: string;
  summary: ExpSummary;
  repro: ReproResult;
  /** Tracked data the isolated copy could not get from the cache. */
  missingData: string[];
}

/** Writes the -S changes into the params files of `root`. */
export async function writeParamChanges(root: string, changes: ParamChange[]): Promise<void> {
  for (const [abs, text] of await editParamsFiles(root, changes)) await fs.writeFile(abs, text);
}

/**
 * Runs the pipeline in `where` (an experiment's copy, or the workspace) and saves the result as an experiment commit
 * on `baseline`, under `refs/cairn/exps/<name>`; a failed run saves nothing and throws STAGE_FAILED.
 */
export async function reproAndSave(
  repo: Repo,
  ctx: RunContext,
  options: Omit<RunExperimentOptions, 'inPlace'> & { name: string; baseline: string; started: number; where: Repo; useTempIndex: boolean; command?: string },
): Promise<Omit<ExperimentResult, 'missingData'>> {
  const { name, baseline, where } = options;
  const recorder = repoRecorder(repo, where, ctx, { kind: 'exp', name, command: options.command ?? `cairn exp run -n ${name}` });
  const runId = recorder ? await recorder.start().catch((err: Error) => {
    ctx.onLog?.('warn', `experiment ${name} is not recorded as a run: ${err.message}`);
    return undefined;
  }) : undefined;
  const hooks = runId ? recorder!.hooks : undefined;
  const result = await repro(where, ctx, {
    targets: options.targets, jobs: options.jobs, force: options.force, runCache: options.runCache, onOutput: options.onOutput, hooks,
  });
  if (result.failed.length || result.interrupted) {
    if (hooks) await recorder!.finish(result.interrupted ? 'KILLED' : 'FAILED', { tags: { 'cairn.exp': name } }).catch(() => null);
    const failed = result.stages.find((s) => s.outcome === 'failed');
    throw new CairnError(result.interrupted ? 'INTERRUPTED' : 'STAGE_FAILED', `experiment ${name} failed${failed ? `: ${failed.error?.message ?? `stage '${failed.stage}' failed`}` : ''}`, {
      hint: failed?.error?.hint ?? 'nothing was saved; fix the stage and run the experiment again',
      data: { name, repro: result },
    });
  }
  const summary: ExpSummary = {
    version: SUMMARY_VERSION, name, baseline, changes: options.changes,
    ...(await describeWorkspace(where)),
    ...(runId ? { runId } : {}),
    created: options.started, durationMs: Date.now() - options.started,
  };
  const commit = await commitWorktree(where.root, { parent: baseline, message: formatExpMessage(summary), useTempIndex: options.useTempIndex });
  const ref = `${EXP_REF_PREFIX}${name}`;
  if (!(await createRef(repo.root, ref, commit))) {
    if (hooks) await recorder!.finish('FAILED', { tags: { 'cairn.exp': name } }).catch(() => null);
    throw new CairnError('CONFLICT', `an experiment named "${name}" was saved by another process meanwhile`, { hint: 'run it again with another name (-n)', data: { name } });
  }
  if (hooks) {
    await recorder!.finish('FINISHED', { tags: { 'cairn.exp': name, 'cairn.exp.commit': commit, 'cairn.exp.baseline': baseline, 'cairn.exp.ref': ref } })
      .catch((err: Error) => ctx.onLog?.('warn', `experiment ${name}: its run was not completed: ${err.message}`));
  }
  return { name, ref, commit, summary, repro: result };
}

/**
 * Runs the pipeline as an experiment: an isolated copy of the workspace (unless inPlace) gets the -S changes, the
 * pipeline runs there with the shared cache and run cache, and the result is saved as a commit on
 * `refs/cairn/exps/<name>` whose parent is the baseline — never on a branch of the user's.
 */
export async function runExperiment(repo: Repo, ctx: RunContext, options: RunExperimentOptions): Promise<ExperimentResult> {
  const baseline = await headCommit(repo.root);
  if (!baseline) throw new CairnError('NOT_FOUND', 'experiments start from a commit, and this repository has none yet', { hint: 'commit your code first (git add, git commit)' });
  const taken = new Set((await listExperiments(repo)).map((e) => e.name));
  const name = options.name !== undefined ? checkExpName(options.name) : generateExpName(taken);
  if (taken.has(name)) {
    throw new CairnError('CONFLICT', `an experiment named "${name}" exists already`, {
      hint: `choose another name with -n, or remove the old one with \`cairn exp remove ${name}\``,
      data: { name },
    });
  }
  const started = Date.now();
  const ws = options.inPlace ? null : await openExpWorkspace(repo, ctx, { name, rev: baseline, copyDirty: true });
  try {
    await writeParamChanges((ws?.repo ?? repo).root, options.changes);
    const saved = await reproAndSave(repo, ctx, { ...options, name, baseline, started, where: ws?.repo ?? repo, useTempIndex: !ws });
    return { ...saved, missingData: ws?.missingData ?? [] };
  } finally {
    await ws?.dispose();
  }
}
