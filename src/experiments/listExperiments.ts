import { CairnError } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import type { Repo } from '../core/repo.js';
import { listRefs } from '../git/refs.js';
import { parseExpSummary, type ExpSummary } from './expSummary.js';

/** Where experiments live: one ref each, outside refs/heads so no branch of the user's ever moves. */
export const EXP_REF_PREFIX = 'refs/cairn/exps/';

export interface ExperimentRef {
  name: string;
  ref: string;
  commit: string;
  /** The commit it started from (its parent). */
  baseline: string;
  /** Commit time, ms. */
  time: number;
  /** Null for a ref whose commit message carries no summary (made by hand, or by a newer cairn). */
  summary: ExpSummary | null;
}

/** Every experiment of the repository, newest first, read with one git call. */
export async function listExperiments(repo: Repo): Promise<ExperimentRef[]> {
  const refs = await listRefs(repo.root, EXP_REF_PREFIX);
  return refs
    .map((r) => ({ name: r.ref.slice(EXP_REF_PREFIX.length), ref: r.ref, commit: r.commit, baseline: r.parent, time: r.time, summary: parseExpSummary(r.body) }))
    .sort((a, b) => (a.summary?.created ?? a.time) - (b.summary?.created ?? b.time) || a.name.localeCompare(b.name))
    .reverse();
}

/** One experiment by name (or by a unique prefix of its commit id), with a did-you-mean when there is none. */
export function findExperiment(all: ExperimentRef[], name: string): ExperimentRef {
  const exact = all.find((e) => e.name === name);
  if (exact) return exact;
  const byCommit = name.length >= 7 && /^[0-9a-f]+$/.test(name) ? all.filter((e) => e.commit.startsWith(name)) : [];
  if (byCommit.length === 1) return byCommit[0];
  const guess = didYouMean(name, all.map((e) => e.name));
  throw new CairnError('NOT_FOUND', `no experiment named "${name}"`, {
    hint: guess ? `did you mean "${guess}"? (\`cairn exp show\` lists them)` : '`cairn exp show` lists the experiments',
    data: { name },
  });
}
