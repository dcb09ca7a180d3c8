/** Axis ticks at round numbers (1, 2 or 5 times a power of ten) covering a data range. Pure. */

export interface Ticks {
  /** The axis range: the data range widened to whole steps. */
  min: number;
  max: number;
  step: number;
  values: number[];
}

/** The smallest and largest of many values (a spread into Math.min overflows the stack past ~100,000 values). */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Decimals that show a multiple of `step` exactly (0.25 → 2, 5 → 0). */
export function stepDecimals(step: number): number {
  if (!(step > 0) || step >= 1) return 0;
  const text = step.toPrecision(12).replace(/0+$/, '');
  const dot = text.indexOf('.');
  return Math.min(12, dot < 0 ? 0 : text.length - dot - 1);
}

/**
 * About `target` ticks (default 5) from `lo` to `hi`; a single value gets a small range around it. `integer` data
 * (epochs, counts) never gets a step below 1.
 */
export function niceTicks(lo: number, hi: number, options: { target?: number; integer?: boolean } = {}): Ticks {
  const target = options.target ?? 5;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return niceTicks(0, 1, options);
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const rough = (hi - lo) / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / magnitude;
  const nice = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  const step = options.integer ? Math.max(1, nice) : nice;
  const decimals = stepDecimals(step);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values: number[] = [];
  // Multiplying whole step counts (not adding steps) keeps float error from accumulating: 0.30000000000000004.
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  return { min: values[0], max: values[values.length - 1], step, values };
}

/** A tick label: as many decimals as the step needs, no float noise, `−` for negatives. Pure. */
export function formatTick(value: number, step: number): string {
  const text = Math.abs(value) >= 1e6 || (Math.abs(value) > 0 && Math.abs(value) < 1e-4)
    ? value.toExponential(2).replace(/\.?0+e/, 'e')
    : value.toFixed(stepDecimals(step));
  return text.replace(/^-/, '−');
}
