import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { git } from '../git/git.js';
import type { LockDep, LockOut } from '../pipeline/lockFile.js';
import { lockedStagesAt } from '../pipeline/lockedStagesAt.js';
import { SYSTEM_TAGS, type Run } from '../tracking/entities.js';

/** A data set a run read or wrote, as its inputs record it (for cairn's own data, the digest is the oid). */
export interface LineageDataset {
  name: string;
  digest: string;
  source: string;
  source_type: string;
}

/** One stage as the lock file at the lineage commit records it. */
export interface LineageStage {
  stage: string;
  lock_file: string;
  cmd: string[];
  deps: LockDep[];
  outs: LockOut[];
}

export interface RunLineage {
  run_id: string;
  run_name: string;
  /** The code the run ran (mlflow.source.git.commit), when recorded. */
  git_commit: string | null;
  /** For an experiment's run: its name and the commit that holds its results (refs/cairn/exps/<name>). */
  experiment: { name: string; commit: string | null } | null;
  /** The pipeline stage the run was (cairn.stage), for a stage's child run. */
  stage: string | null;
  inputs: LineageDataset[];
  outputs: LineageDataset[];
  /**
   * The stages at the commit that records what the run produced (the experiment's commit, else the code commit):
   * only the run's own stage for a stage run, every stage otherwise. Null without a repository or that commit.
   */
  lock: { commit: string; stages: LineageStage[]; matches_run: boolean } | null;
  /** Why `lock` is null, or what does not line up. */
  notes: string[];
}

/**
 * Where a run came from and what it made: its commit, the data it read (with digests) and wrote, and the lock
 * entries at its commit, so a result can be traced to exact data and code. `repo` is null outside a repository.
 * A stage's run takes its commit and experiment from its parent run (the invocation that ran the stage).
 */
export async function runLineage(options: { runId: string; getRun(runId: string): Promise<Run>; repo: Repo | null }): Promise<RunLineage> {
  const { repo } = options;
  const run = await options.getRun(options.runId);
  const tags = new Map(run.data.tags.map((t) => [t.key, t.value]));
  // A stage's run records its stage; the commit and experiment are on the run of the whole invocation, its parent.
  const parentId = tags.get(SYSTEM_TAGS.parentRunId);
  if (parentId && parentId !== run.info.run_id) {
    const parent = await options.getRun(parentId).catch((err: unknown) => {
      if (err instanceof CairnError && err.code === 'NOT_FOUND') return null;
      throw err;
    });
    for (const t of parent?.data.tags ?? []) {
      if ((t.key === SYSTEM_TAGS.gitCommit || t.key.startsWith('cairn.exp')) && !tags.has(t.key)) tags.set(t.key, t.value);
    }
  }
  const byContext = (context: string) =>
    run.inputs.dataset_inputs
      .filter((d) => (d.tags.find((t) => t.key === SYSTEM_TAGS.datasetContext)?.value ?? 'input') === context)
      .map(({ dataset: { name, digest, source, source_type } }) => ({ name, digest, source, source_type }));
  const expName = tags.get('cairn.exp') ?? null;
  const lineage: RunLineage = {
    run_id: run.info.run_id,
    run_name: run.info.run_name,
    git_commit: tags.get(SYSTEM_TAGS.gitCommit) ?? null,
    experiment: expName === null ? null : { name: expName, commit: tags.get('cairn.exp.commit') ?? null },
    stage: tags.get('cairn.stage') ?? null,
    inputs: byContext('input'),
    outputs: byContext('output'),
    lock: null,
    notes: [],
  };
  const commit = lineage.experiment?.commit ?? lineage.git_commit;
  if (commit === null) lineage.notes.push('the run records no Git commit');
  else if (!repo || !repo.git) lineage.notes.push('the server does not run in a Git repository, so the lock file at the commit cannot be read');
  else if (!/^[0-9a-f]{7,64}$/.test(commit) || !(await hasCommit(repo, commit))) lineage.notes.push(`the commit ${commit} is not in the server's repository (fetch it there)`);
  else lineage.lock = await stagesAt(repo, commit, lineage);
  return lineage;
}

async function hasCommit(repo: Repo, commit: string): Promise<boolean> {
  return (await git(repo.root, ['cat-file', '-e', `${commit}^{commit}`], { allowFail: true })).code === 0;
}

async function stagesAt(repo: Repo, commit: string, lineage: RunLineage): Promise<NonNullable<RunLineage['lock']>> {
  const read = await lockedStagesAt(repo, commit);
  lineage.notes.push(...read.notes);
  const stages: LineageStage[] = read.stages
    .filter((s) => lineage.stage === null || s.stage === lineage.stage)
    .map(({ stage, lock_file, cmd, deps, outs }) => ({ stage, lock_file, cmd, deps, outs }));
  if (lineage.stage !== null && stages.length === 0) lineage.notes.push(`the lock files at ${commit.slice(0, 12)} have no entry for the stage ${lineage.stage}`);
  // A run of uncommitted work records outputs the commit's lock does not have yet: say so rather than mislead.
  const locked = new Map(stages.flatMap((s) => s.outs.map((o) => [o.path, o.oid] as const)));
  const matches = lineage.outputs.every((o) => locked.get(o.name) === o.digest);
  if (!matches) lineage.notes.push(`the run's outputs differ from the lock at ${commit.slice(0, 12)} (the run was made from uncommitted work)`);
  return { commit, stages, matches_run: matches };
}
