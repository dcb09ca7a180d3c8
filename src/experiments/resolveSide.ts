import type { Repo } from '../core/repo.js';
import { resolveRev } from '../git/git.js';
import type { ExpRow } from './expTable.js';
import { findExperiment, listExperiments } from './listExperiments.js';
import { describeCommit, describeWorkspace } from './describeState.js';

/** One side of `exp diff`: what it is called, and its params, metrics and data versions. */
export interface ExpSide extends Pick<ExpRow, 'params' | 'metrics' | 'deps'> {
  label: string;
  /** The commit it started from, for an experiment. */
  baseline?: string;
}

/**
 * Resolves `workspace`, an experiment name, or any Git revision (in that order: an experiment shadows a branch of
 * the same name, as DVC does), with the did-you-mean of experiments when nothing matches.
 */
export async function resolveSide(repo: Repo, spec: string): Promise<ExpSide> {
  if (spec === 'workspace') return { label: 'workspace', ...(await describeWorkspace(repo)) };
  const all = await listExperiments(repo);
  const exp = all.find((e) => e.name === spec);
  if (exp?.summary) return { label: exp.name, baseline: exp.baseline, params: exp.summary.params, metrics: exp.summary.metrics, deps: exp.summary.deps };
  if (exp) return { label: exp.name, baseline: exp.baseline, ...(await describeCommit(repo, exp.commit)) };
  let commit: string;
  try {
    commit = await resolveRev(repo.root, spec);
  } catch {
    findExperiment(all, spec); // throws NOT_FOUND with a did-you-mean over experiment names
    throw new Error('unreachable');
  }
  return { label: spec, ...(await describeCommit(repo, commit)) };
}
