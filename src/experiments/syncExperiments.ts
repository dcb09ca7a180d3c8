import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { fetchRefs, pushRefs, remoteRefs } from '../git/refs.js';
import { fetch as fetchData, push as pushData, type TransferReport } from '../remote/pushPull.js';
import { importExperimentRuns } from './importExperimentRuns.js';
import { EXP_REF_PREFIX, findExperiment, listExperiments } from './listExperiments.js';

export interface SyncOptions {
  /** A Git remote name or URL. */
  gitRemote: string;
  /** Experiment names; none means all. */
  names: string[];
  /** The data remote (default: the repo's default remote). */
  dataRemote?: string;
  /** Skip the data (the refs alone). */
  noData?: boolean;
  force?: boolean;
}

export interface SyncResult {
  experiments: string[];
  data?: TransferReport;
  /** Runs added to this repository's tracking store from the pulled experiments' summaries. */
  runs?: number;
}

/**
 * Shares experiments: their data objects go to the data remote first (so a ref never arrives without its data),
 * then their refs to the Git remote. Run records travel inside the experiment commits' messages; `exp pull` adds them
 * to the teammate's tracking store.
 */
export async function pushExperiments(repo: Repo, ctx: RunContext, options: SyncOptions): Promise<SyncResult> {
  const all = await listExperiments(repo);
  const chosen = options.names.length ? options.names.map((n) => findExperiment(all, n)) : all;
  if (!chosen.length) throw new CairnError('NOT_FOUND', 'there are no experiments to push', { hint: 'run one with `cairn exp run`' });
  const data = options.noData ? undefined : await pushData(repo, { remote: options.dataRemote, commits: chosen.map((e) => e.commit), workspace: false, runCache: true }, ctx);
  await pushRefs(repo.root, options.gitRemote, chosen.map((e) => `${e.ref}:${e.ref}`), { force: options.force });
  return { experiments: chosen.map((e) => e.name), data };
}

/** Brings a teammate's experiments: their refs from the Git remote, then their data objects into the cache. */
export async function pullExperiments(repo: Repo, ctx: RunContext, options: SyncOptions): Promise<SyncResult> {
  const theirs = await remoteRefs(repo.root, options.gitRemote, EXP_REF_PREFIX);
  const names = options.names.length ? options.names : [...theirs.keys()].map((r) => r.slice(EXP_REF_PREFIX.length));
  for (const n of names) {
    if (!theirs.has(`${EXP_REF_PREFIX}${n}`)) throw new CairnError('NOT_FOUND', `${options.gitRemote} has no experiment named "${n}"`, { hint: `\`git ls-remote ${options.gitRemote} 'refs/cairn/exps/*'\` lists them`, data: { name: n } });
  }
  if (!names.length) return { experiments: [] };
  await fetchRefs(repo.root, options.gitRemote, names.map((n) => `${EXP_REF_PREFIX}${n}:${EXP_REF_PREFIX}${n}`), { force: options.force });
  const mine = await listExperiments(repo);
  const commits = names.map((n) => findExperiment(mine, n).commit);
  const data = options.noData ? undefined : await fetchData(repo, { remote: options.dataRemote, commits, workspace: false, runCache: true }, ctx);
  const runs = await importExperimentRuns(repo, ctx, mine.filter((e) => names.includes(e.name)));
  return { experiments: names, data, runs };
}
