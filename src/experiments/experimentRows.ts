import type { Repo } from '../core/repo.js';
import { lockFilesAt } from '../data/findPipelineFiles.js';
import { git, headCommit } from '../git/git.js';
import { parseLock } from '../pipeline/lockFile.js';
import { metricsFiles, pipelineAt, readMetrics, readUsedParams, type ValuesByFile } from '../pipeline/metrics.js';
import type { ExpRow } from './expTable.js';
import { listExperiments, type ExperimentRef } from './listExperiments.js';
import { describeWorkspace } from './runExperiment.js';

const values = (v: ValuesByFile): Record<string, Record<string, unknown>> =>
  Object.fromEntries(Object.entries(v).flatMap(([file, x]) => ('data' in x ? [[file, x.data]] : [])));

/** Params, metrics and dependency versions as committed at `rev`. */
export async function describeCommit(repo: Repo, rev: string): Promise<Pick<ExpRow, 'params' | 'metrics' | 'deps'>> {
  const pipeline = await pipelineAt(repo, rev);
  const [params, metrics, locks] = await Promise.all([
    readUsedParams(repo, pipeline, rev),
    readMetrics(repo, metricsFiles(pipeline), rev),
    lockFilesAt(repo, rev),
  ]);
  const deps: Record<string, string> = {};
  for (const { text } of locks) {
    try {
      for (const entry of Object.values(parseLock(text).stages)) for (const d of entry.deps) deps[d.path] = d.oid;
    } catch {
      // A lock file that does not parse at that commit just shows no data versions.
    }
  }
  return { params: values(params), metrics: values(metrics), deps };
}

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
