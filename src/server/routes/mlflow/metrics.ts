import { Readable } from 'node:stream';
import { CairnError } from '../../../core/errors.js';
import type { Metric } from '../../../tracking/entities.js';
import { SAMPLE_LIMITS } from '../../../tracking/sampleSteps.js';
import { optionalString, requiredString, stringList } from '../input.js';
import type { MlflowRoute } from '../route.js';
import { readInt, requestMaxResults, requestRunId, wireDouble, wireMetric } from './wire.js';

/** Points read from the store per page while a whole history is streamed out. */
const STREAM_PAGE = 25_000;
/** MLflow's cap on the points of one run in a sampled history (MAX_RESULTS_GET_METRIC_HISTORY). */
const SAMPLED_POINTS_PER_RUN = 25_000;

/** The JSON of a page of points, built by hand: a million points go out without a million intermediate objects. */
function pointsJson(key: string, points: Metric[]): string {
  const k = `{"key":${JSON.stringify(key)},"value":`;
  let out = '';
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const v = Number.isFinite(p.value) ? String(p.value) : `"${wireDouble(p.value)}"`;
    out += `${i === 0 ? '' : ','}${k}${v},"timestamp":${p.timestamp},"step":${p.step}}`;
  }
  return out;
}

export const metricRoutes: MlflowRoute[] = [
  {
    method: 'GET',
    path: 'metrics/get-history',
    async handler(input, ctx, _request, reply) {
      const runId = requestRunId(input);
      const key = requiredString(input, 'metric_key');
      const maxResults = requestMaxResults(input);
      const pageToken = optionalString(input, 'page_token') || undefined;
      if (maxResults !== undefined || pageToken) {
        const page = await ctx.tracking.getMetricHistory(runId, key, { max_results: maxResults, page_token: pageToken });
        return { metrics: page.metrics.map(wireMetric), ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}) };
      }
      // As MLflow: without max_results, the whole history. It is streamed from store pages, so memory stays flat.
      const first = await ctx.tracking.getMetricHistory(runId, key, { max_results: STREAM_PAGE });
      if (!first.next_page_token) return { metrics: first.metrics.map(wireMetric) };
      async function* body(): AsyncGenerator<string> {
        yield `{"metrics":[${pointsJson(key, first.metrics)}`;
        let token = first.next_page_token;
        while (token) {
          const page = await ctx.tracking.getMetricHistory(runId, key, { max_results: STREAM_PAGE, page_token: token });
          if (page.metrics.length > 0) yield `,${pointsJson(key, page.metrics)}`;
          token = page.next_page_token;
        }
        yield ']}';
      }
      reply.type('application/json; charset=utf-8');
      return Readable.from(body(), { objectMode: false });
    },
  },
  {
    method: 'GET',
    path: 'metrics/get-history-bulk-interval',
    async handler(input, ctx) {
      const runIds = stringList(input, 'run_ids');
      if (runIds.length === 0) throw new CairnError('USAGE', "Missing value for required parameter 'run_ids'. See the API docs for more information about request parameters.", { data: { field: 'run_ids' } });
      if (runIds.length > SAMPLE_LIMITS.maxRunIds) {
        throw new CairnError('USAGE', `GetMetricHistoryBulkInterval request must specify at most ${SAMPLE_LIMITS.maxRunIds} run_ids. Received ${runIds.length} run_ids.`);
      }
      const key = requiredString(input, 'metric_key');
      const maxResults = requestMaxResults(input) ?? SAMPLE_LIMITS.maxResultsPerRun;
      if (maxResults < 1 || maxResults > SAMPLE_LIMITS.maxResultsPerRun) throw new CairnError('USAGE', `max_results must be between 1 and ${SAMPLE_LIMITS.maxResultsPerRun}.`);
      const rawStart = optionalString(input, 'start_step');
      const rawEnd = optionalString(input, 'end_step');
      if ((rawStart === undefined) !== (rawEnd === undefined)) {
        throw new CairnError('USAGE', 'If either start step or end step are specified, both must be specified.');
      }
      // MLflow's default range starts at step 0.
      const start = rawStart === undefined ? 0 : readInt(rawStart, 'start_step');
      const end = rawEnd === undefined ? undefined : readInt(rawEnd, 'end_step');
      if (end !== undefined && start > end) throw new CairnError('USAGE', `end_step must be greater than start_step. Found start_step=${start} and end_step=${end}.`);
      const perRun = await Promise.all(
        runIds.map((runId) => ctx.tracking.sampleMetricHistory(runId, key, { max_results: maxResults, start_step: start, ...(end === undefined ? {} : { end_step: end }) })),
      );
      return { metrics: perRun.flatMap((points, i) => points.slice(0, SAMPLED_POINTS_PER_RUN).map((p) => ({ ...wireMetric(p), run_id: runIds[i] }))) };
    },
  },
];
