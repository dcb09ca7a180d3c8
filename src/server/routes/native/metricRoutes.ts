import { CairnError } from '../../../core/errors.js';
import { createDownsampler, MAX_DOWNSAMPLE_POINTS, type DownsampleAxis, type DownsampleOptions, type DownsampleResult } from '../../../tracking/downsample.js';
import type { TrackingStore } from '../../../tracking/trackingStore.js';
import { invalid, optionalInt, optionalString, requiredString } from '../input.js';
import { wireDouble } from '../mlflow/wire.js';
import type { NativeRoute } from './nativeRoute.js';

/** Points read from the store per page: the series streams through the downsampler, never all in memory at once. */
export const DOWNSAMPLE_PAGE = 50_000;
const DEFAULT_POINTS = 1000;

function optionalNumber(input: Record<string, unknown>, key: string): number | undefined {
  const raw = optionalString(input, key);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw invalid(key, raw, 'a number');
  return n;
}

/** Without the store's own downsampling: the series streams through createDownsampler in pages. */
async function streamDownsample(store: TrackingStore, runId: string, key: string, options: DownsampleOptions): Promise<DownsampleResult> {
  const sampler = createDownsampler(options);
  let token: string | undefined;
  do {
    const page = await store.getMetricHistory(runId, key, { max_results: DOWNSAMPLE_PAGE, ...(token ? { page_token: token } : {}) });
    sampler.add(page.metrics);
    token = page.next_page_token;
  } while (token);
  return sampler.finish();
}

/** The metric series of the UI's charts. */
export const metricRoutes: NativeRoute[] = [
  {
    method: 'GET',
    path: 'runs/:run_id/metrics/downsampled',
    async handler(request, ctx) {
      const runId = requiredString(request.params as Record<string, unknown>, 'run_id');
      const query = (request.query ?? {}) as Record<string, unknown>;
      const key = requiredString(query, 'key');
      const points = optionalInt(query, 'points') ?? DEFAULT_POINTS;
      if (points < 1 || points > MAX_DOWNSAMPLE_POINTS) throw invalid('points', points, `a whole number from 1 to ${MAX_DOWNSAMPLE_POINTS}`);
      const x = (optionalString(query, 'x') || 'step') as DownsampleAxis;
      if (x !== 'step' && x !== 'time') throw invalid('x', x, "'step' or 'time'");
      const from = optionalNumber(query, 'from');
      const to = optionalNumber(query, 'to');
      if (from !== undefined && to !== undefined && from > to) {
        throw new CairnError('USAGE', `the range from=${from} to=${to} is empty: from must not be greater than to`, { hint: 'swap the two bounds', data: { field: 'from' } });
      }
      const result = ctx.tracking.downsampleMetricHistory
        ? await ctx.tracking.downsampleMetricHistory(runId, key, { points, x, from, to })
        : await streamDownsample(ctx.tracking, runId, key, { points, x, from, to });
      // Columns rather than objects: a chart reads them as they are; values as MLflow sends doubles ("NaN", "Infinity").
      return {
        run_id: runId,
        key,
        x,
        method: 'min-max',
        total: result.total,
        buckets: result.buckets,
        bucket_width: result.bucketWidth,
        steps: result.points.map((p) => p.step),
        timestamps: result.points.map((p) => p.timestamp),
        values: result.points.map((p) => wireDouble(p.value)),
      };
    },
  },
];
