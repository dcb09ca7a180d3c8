import type { RunContext } from '../../core/context.js';
import { CairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { diffData } from '../../data/diffData.js';
import type { FileListingEntry, ModifiedEntry, RenamedEntry } from '../../data/diffTrees.js';
import { resolveRev } from '../../git/git.js';
import { diffMetrics, diffParams } from '../../pipeline/diffPipelineValues.js';
import { diffStages, type StageChange, type StageSide } from '../../pipeline/diffStages.js';
import { lockedStagesAt } from '../../pipeline/lockedStagesAt.js';
import type { DiffRow } from '../../pipeline/metrics.js';
import { pipelineAt } from '../../pipeline/metrics.js';
import { readPipelineLocks } from '../../pipeline/pipelineLocks.js';
import { preparePlots } from '../plots/preparePlots.js';
import type { HtmlPlot } from '../plots/renderPlotsHtml.js';
import { reportBase } from './reportBase.js';

/** What changed between a base revision and HEAD or the workspace: the content of `cairn report`, in every format. */
export interface Report {
  base: { rev: string; commit: string; why: string };
  /** `commit` is null for the workspace. */
  head: { rev: string; commit: string | null };
  metrics: DiffRow[];
  params: DiffRow[];
  data: { added: FileListingEntry[]; modified: ModifiedEntry[]; deleted: FileListingEntry[]; renamed: RenamedEntry[] };
  stages: StageChange[];
  /** The declared plots with a series per side (empty when no stage declares plots). */
  plots: HtmlPlot[];
  warnings: string[];
}

async function side(repo: Repo, rev: string | undefined): Promise<StageSide> {
  const pipeline = await pipelineAt(repo, rev);
  const lock = rev === undefined
    ? (await readPipelineLocks(repo, pipeline)).view.stages
    : Object.fromEntries((await lockedStagesAt(repo, rev)).stages.map(({ stage, cmd, deps, params, outs }) => [stage, { cmd, deps, params, outs }]));
  return { stages: pipeline.stages, lock };
}

/** The plots of both sides, or none when nothing declares plots (a report is still worth posting without them). */
async function plotsOf(repo: Repo, base: Report['base'], head: { rev: string; commit: string | null }, warnings: string[]): Promise<HtmlPlot[]> {
  const sides = [{ rev: base.commit, label: base.rev }, head.commit === null ? { label: 'workspace' } : { rev: head.rev, label: head.rev }];
  try {
    const prepared = await preparePlots(repo, { sides, targets: [] });
    warnings.push(...prepared.warnings);
    return prepared.drawn;
  } catch (err) {
    if (err instanceof CairnError && err.code === 'NOT_FOUND') return [];
    throw err;
  }
}

/** How a revision heads a column: as given (`main`, `HEAD~3`, `v1.2`), but a full commit id cut to 12 digits. Pure. */
export function revLabel(rev: string): string {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(rev) ? rev.slice(0, 12) : rev;
}

/** Compares `base` (default: see reportBase) with `head` (a revision, default the workspace). */
export async function buildReport(repo: Repo, ctx: RunContext, options: { base?: string; head?: string } = {}): Promise<Report> {
  if (!repo.git) throw new CairnError('USAGE', 'a report compares Git revisions, and this repository does not use Git', { hint: 'use `cairn metrics show` for the current values' });
  const base = options.base === undefined ? await reportBase(repo) : { rev: revLabel(options.base), commit: await resolveRev(repo.root, options.base), why: 'the revision given with --rev' };
  const head = options.head === undefined ? { rev: 'workspace', commit: null } : { rev: revLabel(options.head), commit: await resolveRev(repo.root, options.head) };
  const labels: [string, string] = [base.rev, head.rev];
  const sides = { a: base.commit, b: head.commit ?? undefined, labels };
  const [metrics, params, data, before, after] = await Promise.all([
    diffMetrics(repo, sides), diffParams(repo, sides), diffData(repo, { a: base.commit, b: head.commit ?? undefined }, ctx),
    side(repo, base.commit), side(repo, head.commit ?? undefined),
  ]);
  const warnings = [...metrics.warnings, ...params.warnings];
  const plots = await plotsOf(repo, base, head, warnings);
  return {
    base, head,
    metrics: metrics.rows, params: params.rows,
    data: { added: data.added, modified: data.modified, deleted: data.deleted, renamed: data.renamed },
    stages: diffStages(before, after),
    plots, warnings,
  };
}
