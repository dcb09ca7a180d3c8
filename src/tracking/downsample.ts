/**
 * Downsampling a metric series for charts, keeping its peaks: MIN/MAX PER BUCKET. The x axis (step or wall time) is
 * cut into equal buckets and each bucket keeps its lowest and its highest point (and its first NaN, so a chart shows
 * where the series broke), plus the series' first and last points.
 *
 * Why min/max and not LTTB: LTTB keeps one point per bucket, the one making the largest triangle with its
 * neighbours; a spike usually wins, but not always (a bucket holding both a spike and a dip keeps only one of them,
 * and a spike next to a larger one can be dropped), and it needs every bucket's bounds up front, so its input must be
 * counted before it is read. Min/max per bucket keeps every extreme by construction (a spike is its bucket's maximum,
 * at any zoom), reads the series once in any order, and its buckets merge exactly (two neighbours' min/max are the
 * min/max of their union), so the bucket width can grow while a series of unknown length streams through. With about
 * two points per pixel column a chart of it draws the same envelope as the full series.
 *
 * Pure (no node: imports): the server streams the store's pages through it, and the web UI may use it too.
 */

/** One point of a metric series (a Metric without its key). */
export interface SeriesPoint {
  step: number;
  timestamp: number;
  value: number;
}

export type DownsampleAxis = 'step' | 'time';

export interface DownsampleOptions {
  /** How many buckets at most; the result has at most about 2 × points points (see DownsampleResult.points). */
  points: number;
  /** What the buckets cut: the step, or the point's timestamp (ms). */
  x: DownsampleAxis;
  /** Keep only the points whose x is in [from, to] (a chart's zoomed range); either bound may be absent. */
  from?: number;
  to?: number;
}

export interface DownsampleResult {
  /**
   * The kept points by x (then step, timestamp): at most 2 per bucket, plus one per bucket that holds a NaN, plus the
   * first and last points, so at most 2 × points + 2 when the series has no NaN.
   */
  points: SeriesPoint[];
  /** How many points of the series were in range (all of them read). */
  total: number;
  /** How many buckets the kept points come from. */
  buckets: number;
  /** The width of one bucket, in x units (0 when nothing was in range). */
  bucketWidth: number;
}

export interface Downsampler {
  /** Feeds a page of the series, in any order. */
  add(points: readonly SeriesPoint[]): void;
  finish(): DownsampleResult;
}

interface Bucket {
  min?: SeriesPoint;
  max?: SeriesPoint;
  nan?: SeriesPoint;
}

/** The largest bucket count asked for; a chart is never wider than this many pixel columns. */
export const MAX_DOWNSAMPLE_POINTS = 20_000;

/**
 * A downsampler fed page by page: it holds at most `points` buckets whatever the series' length. When the range is
 * known (`from` and `to`), the buckets are cut from it at once; otherwise they start one x unit wide (steps and
 * timestamps are whole numbers) from the first point and double, merging neighbours, whenever there are too many.
 */
export function createDownsampler(options: DownsampleOptions): Downsampler {
  const { points: maxBuckets, x: axis, from = -Infinity, to = Infinity } = options;
  if (!Number.isSafeInteger(maxBuckets) || maxBuckets < 1) throw new RangeError(`points must be a whole number of at least 1, not ${maxBuckets}`);
  const xOf = axis === 'step' ? (p: SeriesPoint) => p.step : (p: SeriesPoint) => p.timestamp;
  const bounded = Number.isFinite(from) && Number.isFinite(to);
  let origin = bounded ? from : NaN;
  let width = bounded ? Math.max((to - from) / maxBuckets, Number.MIN_VALUE) : 1;
  let buckets = new Map<number, Bucket>();
  let total = 0;
  let first: SeriesPoint | undefined;
  let last: SeriesPoint | undefined;
  // Series mostly come in x order: the bucket of the previous point is usually the next one's too.
  let lastKey = NaN;
  let lastBucket: Bucket | undefined;

  function widen(): void {
    while (buckets.size > maxBuckets) {
      width *= 2;
      const merged = new Map<number, Bucket>();
      for (const [key, bucket] of buckets) {
        const k = Math.floor(key / 2);
        const into = merged.get(k);
        if (!into) merged.set(k, bucket);
        else mergeInto(into, bucket);
      }
      buckets = merged;
    }
    lastKey = NaN;
    lastBucket = undefined;
  }

  // A bounded range's last bucket is closed: x = to goes into bucket points-1, not into one of its own.
  const keyOf = (x: number) => (bounded ? Math.min(Math.floor((x - origin) / width), maxBuckets - 1) : Math.floor((x - origin) / width));

  function add(page: readonly SeriesPoint[]): void {
    for (const p of page) {
      const x = xOf(p);
      if (!(x >= from && x <= to)) continue;
      total++;
      if (first === undefined || x < xOf(first)) first = p;
      if (last === undefined || x >= xOf(last)) last = p;
      if (Number.isNaN(origin)) origin = x;
      let key = keyOf(x);
      let bucket = key === lastKey ? lastBucket : buckets.get(key);
      if (!bucket) {
        bucket = {};
        buckets.set(key, bucket);
        if (buckets.size > maxBuckets) {
          widen();
          key = keyOf(x);
          bucket = buckets.get(key)!;
        }
      }
      lastKey = key;
      lastBucket = bucket;
      addPoint(bucket, p);
    }
  }

  function finish(): DownsampleResult {
    const kept = new Set<SeriesPoint>();
    for (const b of buckets.values()) {
      if (b.min) kept.add(b.min);
      if (b.max) kept.add(b.max);
      if (b.nan) kept.add(b.nan);
    }
    if (first) kept.add(first);
    if (last) kept.add(last);
    const out = [...kept].sort((a, b) => xOf(a) - xOf(b) || a.step - b.step || a.timestamp - b.timestamp);
    return { points: out, total, buckets: buckets.size, bucketWidth: total === 0 ? 0 : width };
  }

  return { add, finish };
}

/** The whole series at once (tests, small series): the same as one page through createDownsampler. */
export function downsample(series: readonly SeriesPoint[], options: DownsampleOptions): DownsampleResult {
  const d = createDownsampler(options);
  d.add(series);
  return d.finish();
}

function addPoint(bucket: Bucket, p: SeriesPoint): void {
  if (Number.isNaN(p.value)) {
    bucket.nan ??= p;
    return;
  }
  if (!bucket.min || p.value < bucket.min.value) bucket.min = p;
  if (!bucket.max || p.value > bucket.max.value) bucket.max = p;
}

function mergeInto(into: Bucket, other: Bucket): void {
  if (other.min && (!into.min || other.min.value < into.min.value)) into.min = other.min;
  if (other.max && (!into.max || other.max.value > into.max.value)) into.max = other.max;
  into.nan ??= other.nan;
}
