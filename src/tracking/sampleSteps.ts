/**
 * The steps a sampled history keeps (MLflow's get-history-bulk-interval rule, so charts match MLflow's): every step
 * in [start, end] when there are at most `max` of them, else `max` steps evenly spaced by index plus the last one,
 * so a chart always shows the start and the end of the range. `steps` is sorted ascending, without duplicates. Pure.
 */
export function sampleSteps(steps: readonly number[], max: number, start = -Infinity, end = Infinity): number[] {
  const from = lowerBound(steps, start);
  const to = upperBound(steps, end);
  const count = to - from;
  if (count <= max) return steps.slice(from, to);
  const picked = new Set<number>();
  const interval = count / max;
  for (let i = 0; i < max; i++) picked.add(steps[from + Math.floor(i * interval)]);
  picked.add(steps[to - 1]);
  return [...picked].sort((a, b) => a - b);
}

/** MLflow's limits for the sampled history. */
export const SAMPLE_LIMITS = { maxRunIds: 100, maxResultsPerRun: 2500 } as const;

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
