import type { Repo } from '../core/repo.js';
import { git, headCommit } from '../git/git.js';
import type { ExpRow } from './expTable.js';
import { listExperiments, type ExperimentRef } from './listExperiments.js';
import { describeCommit, describeWorkspace } from './describeState.js';

async function branchName(repo: Repo): Promise<string | null> {
  const r = await git(repo.root, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFail: true });
  return r.code === 0 ? r.stdout.trim() : null;
}

function experimentRow(e: ExperimentRef): ExpRow {
  return {
    label: e.name, kind: 'experiment', commit: e.commit, baseline: e.baseline, created: e.summary?.created ?? e.time,
    params: e.summary?.params ?? {}, metrics: e.summary?.metrics ?? {}, deps: e.summary?.deps ?? {},
  };
}

/**
 * The rows of `cairn exp show`: the workspace, HEAD and the experiments started from it (with allCommits: every
 * baseline that has experiments, newest first, each followed by its experiments).
 */
export async function experimentRows(repo: Repo, options: { allCommits?: boolean } = {}): Promise<ExpRow[]> {
  const [head, branch, all] = await Promise.all([headCommit(repo.root), branchName(repo), listExperiments(repo)]);
  const rows: ExpRow[] = [{ label: 'workspace', kind: 'workspace', ...(await describeWorkspace(repo)) }];
  const baselines: string[] = head ? [head] : [];
  if (options.allCommits) for (const e of all) if (!baselines.includes(e.baseline)) baselines.push(e.baseline);
  for (const b of baselines) {
    const label = b === head && branch ? `${b.slice(0, 7)} (${branch})` : b.slice(0, 7);
    rows.push({ label, kind: 'baseline', commit: b, ...(await describeCommit(repo, b)) });
    rows.push(...all.filter((e) => e.baseline === b).map(experimentRow));
  }
  return rows;
}
