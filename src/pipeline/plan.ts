import type { Stage } from './types.js';
import type { StageReason, StageStatus } from './stageStatus.js';

export type PlanAction = 'run' | 'skip' | 'frozen';

export interface PlanItem {
  stage: string;
  action: PlanAction;
  /** Why it runs (or, for a frozen stage, what changed but will not be acted on). Empty when it is up to date. */
  reasons: StageReason[];
}

export interface DecideOptions {
  /** -f: run even when nothing changed. */
  force?: boolean;
  /** Upstream stages (in this run) that will run or ran first. */
  upstreamRunning?: string[];
}

/**
 * Whether one stage runs: a frozen stage never does; otherwise it runs when its own status changed, an upstream
 * stage in this run runs first (as `make` would, for a dry run's forecast), or -f forces it. Pure.
 */
export function decideStage(stage: Stage, status: StageStatus, options: DecideOptions = {}): PlanItem {
  const reasons = [...status.reasons];
  if (stage.frozen) return { stage: stage.name, action: 'frozen', reasons };
  for (const up of options.upstreamRunning ?? []) {
    reasons.push({ kind: 'upstream', subject: up, message: `upstream stage ${up} runs first` });
  }
  if (reasons.length === 0 && options.force) reasons.push({ kind: 'forced', message: 'forced with -f' });
  return { stage: stage.name, action: reasons.length ? 'run' : 'skip', reasons };
}

/**
 * The forecast for a whole run (`--dry`, `cairn status`): each stage in topological order, running when it changed
 * or when an upstream stage in the same run runs. Pure. The real run re-checks each stage after its upstream
 * finished, so a stage whose upstream produced identical outputs is skipped then.
 */
export function planStages(
  order: Stage[],
  statuses: Map<string, StageStatus>,
  upstreamOf: Map<string, string[]>,
  options: { force?: boolean } = {},
): PlanItem[] {
  const running = new Set<string>();
  const items: PlanItem[] = [];
  for (const stage of order) {
    const status = statuses.get(stage.name) ?? { changed: false, reasons: [] };
    const upstreamRunning = (upstreamOf.get(stage.name) ?? []).filter((u) => running.has(u));
    const item = decideStage(stage, status, { force: options.force, upstreamRunning });
    if (item.action === 'run') running.add(stage.name);
    items.push(item);
  }
  return items;
}

/**
 * Marks, in a forecast, the params files that an upstream stage running first will write: their values are read
 * when the stage is about to run, so today's values (or their absence) are not reasons. Pure.
 */
export function deferUpstreamParams(plan: PlanItem[], paramsFrom: Map<string, { file: string; producer: string }[]>): PlanItem[] {
  const running = new Set(plan.filter((p) => p.action === 'run').map((p) => p.stage));
  return plan.map((item) => {
    const late = (paramsFrom.get(item.stage) ?? []).filter((p) => running.has(p.producer));
    if (late.length === 0) return item;
    const files = new Set(late.map((p) => p.file));
    const reasons = item.reasons.filter((r) => !(r.kind === 'params' && [...files].some((f) => r.subject?.startsWith(`${f}:`))));
    for (const p of late) {
      reasons.push({ kind: 'params-later', subject: p.file, message: `params in ${p.file} will be read after upstream stage ${p.producer} writes them` });
    }
    return { ...item, reasons };
  });
}
