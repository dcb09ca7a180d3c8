import { CairnError } from '../../../core/errors.js';
import { experimentSummaries, runKeys } from '../../../tracking/sql/experimentSummaries.js';
import type { NativeRoute } from './nativeRoute.js';

/** Aggregates the web UI needs that MLflow's API has no call for: run counts per experiment, the keys of their runs. */
export const uiSupportRoutes: NativeRoute[] = [
  {
    method: 'GET',
    path: 'experiments/summary',
    async handler(_request, ctx) {
      return { experiments: await experimentSummaries(ctx.sql) };
    },
  },
  {
    method: 'GET',
    path: 'experiments/keys',
    async handler(request, ctx) {
      const raw = (request.query as Record<string, unknown>).experiment_ids;
      const ids = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0) {
        throw new CairnError('USAGE', 'experiments/keys needs experiment_ids', { hint: 'pass the experiments as ?experiment_ids=1,2' });
      }
      const bad = ids.find((id) => !/^\d+$/.test(id));
      if (bad !== undefined) throw new CairnError('USAGE', `experiment id "${bad}" is not a number`, { hint: 'experiment ids are numbers, e.g. ?experiment_ids=0,3' });
      return runKeys(ctx.sql, ids);
    },
  },
];
