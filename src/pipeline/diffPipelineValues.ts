import type { Repo } from '../core/repo.js';
import { diffValues, metricsFiles, pipelineAt, readMetrics, readUsedParams, type DiffRow, type ValuesByFile } from './metrics.js';

/** Metrics and params between two sides (a revision, or undefined for the workspace), as `metrics diff` and `params diff` show them. */

export interface ValuesDiff {
  rows: DiffRow[];
  /** Files that could not be read on a side: `path at side: why`. */
  warnings: string[];
}

interface Sides {
  a?: string;
  b?: string;
  /** The names of the sides in warnings. */
  labels: [string, string];
  all?: boolean;
}

function unreadable(labels: [string, string], ...sides: ValuesByFile[]): string[] {
  return sides.flatMap((values, i) => Object.entries(values).flatMap(([file, v]) => ('error' in v ? [`${file} at ${labels[i]}: ${v.error}`] : [])));
}

/** Every metric of either side's metrics files, with absolute and relative change. */
export async function diffMetrics(repo: Repo, sides: Sides): Promise<ValuesDiff> {
  const [pa, pb] = await Promise.all([pipelineAt(repo, sides.a), pipelineAt(repo, sides.b)]);
  const files = [...new Set([...metricsFiles(pa), ...metricsFiles(pb)])].sort();
  const [before, after] = await Promise.all([readMetrics(repo, files, sides.a), readMetrics(repo, files, sides.b)]);
  return { rows: diffValues(before, after, { all: sides.all }), warnings: unreadable(sides.labels, before, after) };
}

/** Every param the stages of either side use. */
export async function diffParams(repo: Repo, sides: Sides): Promise<ValuesDiff> {
  const [pa, pb] = await Promise.all([pipelineAt(repo, sides.a), pipelineAt(repo, sides.b)]);
  // Both sides read the union of params either pipeline uses, so a param added to a stage shows up as new.
  const [before, after] = await Promise.all([readUsedParams(repo, pa, sides.a, pb), readUsedParams(repo, pb, sides.b, pa)]);
  return { rows: diffValues(before, after, { all: sides.all }), warnings: unreadable(sides.labels, before, after) };
}
