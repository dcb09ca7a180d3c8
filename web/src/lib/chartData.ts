/**
 * Chart data preparation, pure: several runs' downsampled series joined on one x axis as uPlot wants it
 * (`[xs, ys of run 1, ys of run 2, ...]`, null where a run has no point), with EMA smoothing.
 */

export type ChartAxis = 'step' | 'time' | 'relative';

/** One run's series as the downsampled endpoint answers it (values already read as numbers). */
export interface RunSeries {
  runId: string;
  label: string;
  steps: number[];
  timestamps: number[];
  values: number[];
  /** The run's start time (ms), for relative time. */
  startTime: number;
}

/** The x of a point: its step, its wall time in seconds (uPlot's time unit), or seconds since the run started. */
export function xValues(s: RunSeries, axis: ChartAxis): number[] {
  if (axis === 'step') return s.steps;
  if (axis === 'time') return s.timestamps.map((t) => t / 1000);
  return s.timestamps.map((t) => (t - s.startTime) / 1000);
}

/**
 * Exponential moving average as TensorBoard draws it (debiased, so the start is not pulled to 0); NaN and ±Infinity
 * stay gaps and do not poison what follows. weight 0 = no smoothing, 0.99 = very smooth.
 */
export function smooth(values: readonly number[], weight: number): Array<number | null> {
  if (!(weight > 0)) return values.map((v) => (Number.isFinite(v) ? v : null));
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}

/** The runs' series on one sorted x axis: uPlot's AlignedData. */
export function alignSeries(series: readonly RunSeries[], axis: ChartAxis, weight = 0): [number[], ...Array<Array<number | null>>] {
  const xsPer = series.map((s) => xValues(s, axis));
  const all = new Set<number>();
  for (const xs of xsPer) for (const x of xs) all.add(x);
  const xs = [...all].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s, k) => {
    const out: Array<number | null> = new Array(xs.length).fill(null);
    const smoothed = smooth(s.values, weight);
    // Several points at one x (a bucket's min and max at the same step): the last one drawn wins the column.
    xsPer[k].forEach((x, i) => (out[index.get(x)!] = smoothed[i]));
    return out;
  });
  return [xs, ...ys];
}

/** A log scale cannot draw values <= 0: they become gaps. */
export function forLogScale(ys: Array<number | null>): Array<number | null> {
  return ys.map((v) => (v !== null && v > 0 ? v : null));
}

/** Distinct colours for up to 10 runs, then they repeat; readable on light and dark backgrounds. */
export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#8c8cff'];
export const runColor = (i: number) => RUN_COLORS[i % RUN_COLORS.length];
