import { CairnError } from '../../../core/errors.js';
import { objectList, optionalString, requiredString, stringList } from '../input.js';
import type { MlflowRoute, RouteInput } from '../route.js';
import type { ServerContext } from '../../serverContext.js';
import { readKeyValue, requestExperimentId, requestMaxResults, requestViewType, wireExperiment } from './wire.js';

/** MLflow's experiments endpoints (mlflow/protos/service.proto), thin over the TrackingStore. */

async function searchExperiments(input: RouteInput, ctx: ServerContext) {
  const page = await ctx.tracking.searchExperiments({
    filter: optionalString(input, 'filter') || undefined,
    order_by: stringList(input, 'order_by'),
    max_results: requestMaxResults(input),
    page_token: optionalString(input, 'page_token') || undefined,
    view_type: requestViewType(input, 'view_type'),
  });
  return { experiments: page.experiments.map(wireExperiment), ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}) };
}

export const experimentRoutes: MlflowRoute[] = [
  {
    method: 'POST',
    path: 'experiments/create',
    async handler(input, ctx) {
      const name = requiredString(input, 'name');
      const tags = objectList(input, 'tags').map((t, i) => readKeyValue(t, `tags[${i}].`));
      const experiment_id = await ctx.tracking.createExperiment({ name, artifact_location: optionalString(input, 'artifact_location') || undefined, tags });
      return { experiment_id };
    },
  },
  {
    method: 'GET',
    path: 'experiments/get',
    async handler(input, ctx) {
      return { experiment: wireExperiment(await ctx.tracking.getExperiment(requestExperimentId(input))) };
    },
  },
  {
    method: 'GET',
    path: 'experiments/get-by-name',
    async handler(input, ctx) {
      const name = requiredString(input, 'experiment_name');
      const experiment = await ctx.tracking.getExperimentByName(name);
      if (!experiment) throw new CairnError('NOT_FOUND', `Could not find experiment with name '${name}'`, { hint: 'search experiments to see their names', data: { name } });
      return { experiment: wireExperiment(experiment) };
    },
  },
  // MLflow's server answers search on both methods: clients POST a body, the UI GETs a query string.
  { method: 'POST', path: 'experiments/search', handler: searchExperiments },
  { method: 'GET', path: 'experiments/search', handler: searchExperiments },
  {
    method: 'POST',
    path: 'experiments/update',
    async handler(input, ctx) {
      const id = requestExperimentId(input);
      const newName = optionalString(input, 'new_name');
      // As MLflow: without a new name nothing changes, but the experiment must exist.
      if (newName) await ctx.tracking.renameExperiment(id, newName);
      else await ctx.tracking.getExperiment(id);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'experiments/delete',
    async handler(input, ctx) {
      await ctx.tracking.deleteExperiment(requestExperimentId(input));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'experiments/restore',
    async handler(input, ctx) {
      await ctx.tracking.restoreExperiment(requestExperimentId(input));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'experiments/set-experiment-tag',
    async handler(input, ctx) {
      const id = requestExperimentId(input);
      await ctx.tracking.setExperimentTag(id, readKeyValue(input));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'experiments/delete-experiment-tag',
    async handler(input, ctx) {
      await ctx.tracking.deleteExperimentTag(requestExperimentId(input), requiredString(input, 'key'));
      return {};
    },
  },
];
