import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { loadPipeline } from './loadPipeline.js';
import { forecast, selectStages } from './repro.js';
import type { StageReason } from './stageStatus.js';

export interface StageStaleness {
  stage: string;
  /** true for a frozen stage: it changed, but `cairn repro` will not run it. */
  frozen: boolean;
  reasons: StageReason[];
}

export interface PipelineStatus {
  /** The stages that would run (or, if frozen, changed), in dependency order; empty when all are up to date. */
  changed: StageStaleness[];
  /** Number of stages in the pipeline. */
  stages: number;
  /** Set instead of the above when a pipeline or lock file cannot be read or is invalid. */
  error?: { code: string; message: string; hint?: string };
}

/** Which stages are stale and why, for `cairn status`; null when the repository has no pipeline. Runs nothing. */
export async function pipelineStatus(repo: Repo, ctx: RunContext): Promise<PipelineStatus | null> {
  try {
    const pipeline = await loadPipeline(repo);
    if (pipeline.files.length === 0) return null;
    const selection = await selectStages(repo, {}, pipeline);
    const { order } = selection;
    const { plan } = await forecast(repo, ctx, selection);
    const changed = plan
      .filter((p) => p.action === 'run' || (p.action === 'frozen' && p.reasons.length > 0))
      .map((p) => ({ stage: p.stage, frozen: p.action === 'frozen', reasons: p.reasons }));
    return { changed, stages: order.length };
  } catch (err) {
    // A broken pipeline must not hide the data status; it is reported in its place.
    if (err instanceof CairnError && err.data?.empty) return { changed: [], stages: 0 };
    if (err instanceof CairnError) return { changed: [], stages: 0, error: err.toJSON() };
    throw err;
  }
}

/** Lines for people: "Pipeline:" then one line per stale stage with its reasons. Pure. */
export function formatPipelineStatus(status: PipelineStatus): string[] {
  if (status.error) return ['Pipeline:', `  cannot check: ${status.error.message}`];
  if (status.changed.length === 0) return [`Pipeline: ${status.stages} stage(s), all up to date`];
  const lines = ['Pipeline: (run `cairn repro` to bring it up to date)'];
  for (const s of status.changed) {
    lines.push(`  ${s.stage}${s.frozen ? ' (frozen, will not run)' : ''}:`);
    for (const r of s.reasons) lines.push(`    ${r.message}`);
  }
  return lines;
}
