import { CairnError } from '../../../core/errors.js';
import { LOGGED_MODEL_STATUSES, type LoggedModel, type LoggedModelOrder, type LoggedModelStatus } from '../../../tracking/loggedModels/loggedModel.js';
import { loggedModelStore } from '../../../tracking/loggedModels/loggedModelStore.js';
import { invalid, missing, objectList, optionalString, requiredString } from '../input.js';
import type { MlflowRoute } from '../route.js';
import { readKeyValue, requestIdList, requestMaxResults, wireDouble } from './wire.js';

/** MLflow 3's logged-models endpoints (`/api/2.0/mlflow/logged-models...`), over the LoggedModelStore. */

export function wireLoggedModel(model: LoggedModel) {
  return {
    info: model.info,
    data: { params: model.data.params, metrics: model.data.metrics.map((m) => ({ ...m, value: wireDouble(m.value) })) },
  };
}

/** A status by its protobuf name or number (1 pending, 2 ready, 3 upload failed). */
function readStatus(raw: unknown): LoggedModelStatus {
  if (raw === undefined || raw === null || raw === '') throw missing('status');
  const byNumber: Record<string, LoggedModelStatus> = { '1': 'LOGGED_MODEL_PENDING', '2': 'LOGGED_MODEL_READY', '3': 'LOGGED_MODEL_UPLOAD_FAILED' };
  const status = byNumber[String(raw)] ?? String(raw);
  if (!LOGGED_MODEL_STATUSES.includes(status as LoggedModelStatus)) throw invalid('status', raw, LOGGED_MODEL_STATUSES.join(', '));
  return status as LoggedModelStatus;
}

function readOrderBy(raw: unknown): LoggedModelOrder[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('order_by', raw, 'a list of {field_name, ascending}');
  return raw.map((o, i) => {
    if (typeof o !== 'object' || o === null || typeof (o as LoggedModelOrder).field_name !== 'string') throw invalid(`order_by[${i}]`, o, 'an object with a field_name');
    return o as LoggedModelOrder;
  });
}

export const loggedModelRoutes: MlflowRoute[] = [
  {
    method: 'POST',
    path: 'logged-models',
    async handler(input, ctx) {
      const experimentId = requiredString(input, 'experiment_id');
      const experiment = await ctx.tracking.getExperiment(experimentId);
      if (experiment.lifecycle_stage !== 'active') {
        throw new CairnError('USAGE', `The experiment ${experimentId} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`, { hint: 'restore the experiment first' });
      }
      const sourceRunId = optionalString(input, 'source_run_id') || undefined;
      if (sourceRunId) await ctx.tracking.getRun(sourceRunId);
      const store = await loggedModelStore(ctx.sql);
      const model = await store.create({
        experiment_id: experimentId,
        experiment_artifact_location: experiment.artifact_location,
        name: optionalString(input, 'name') || undefined,
        model_type: optionalString(input, 'model_type') || undefined,
        source_run_id: sourceRunId,
        params: objectList(input, 'params').map((p, i) => readKeyValue(p, `params[${i}].`)),
        tags: objectList(input, 'tags').map((t, i) => readKeyValue(t, `tags[${i}].`)),
      });
      return { model: wireLoggedModel(model) };
    },
  },
  {
    method: 'POST',
    path: 'logged-models/search',
    async handler(input, ctx) {
      const experimentIds = requestIdList(input, 'experiment_ids');
      if (experimentIds.length === 0) throw missing('experiment_ids');
      const datasets = objectList(input, 'datasets').map((d, i) => {
        if (typeof d.dataset_name !== 'string' || d.dataset_name === '') throw missing(`datasets[${i}].dataset_name`);
        return { dataset_name: d.dataset_name, ...(typeof d.dataset_digest === 'string' && d.dataset_digest ? { dataset_digest: d.dataset_digest } : {}) };
      });
      const page = await (await loggedModelStore(ctx.sql)).search({
        experiment_ids: experimentIds,
        filter: optionalString(input, 'filter') || undefined,
        datasets,
        max_results: requestMaxResults(input),
        order_by: readOrderBy(input.order_by),
        page_token: optionalString(input, 'page_token') || undefined,
      });
      return { models: page.models.map(wireLoggedModel), ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}) };
    },
  },
  {
    method: 'GET',
    path: 'logged-models/:model_id',
    async handler(input, ctx) {
      return { model: wireLoggedModel(await (await loggedModelStore(ctx.sql)).get(requiredString(input, 'model_id'))) };
    },
  },
  {
    method: 'PATCH',
    path: 'logged-models/:model_id',
    async handler(input, ctx) {
      const store = await loggedModelStore(ctx.sql);
      const model = await store.finalize(requiredString(input, 'model_id'), readStatus(input.status), optionalString(input, 'status_message') || undefined);
      return { model: wireLoggedModel(model) };
    },
  },
  {
    method: 'DELETE',
    path: 'logged-models/:model_id',
    async handler(input, ctx) {
      await (await loggedModelStore(ctx.sql)).delete(requiredString(input, 'model_id'));
      return {};
    },
  },
  {
    method: 'PATCH',
    path: 'logged-models/:model_id/tags',
    async handler(input, ctx) {
      const tags = objectList(input, 'tags').map((t, i) => readKeyValue(t, `tags[${i}].`));
      await (await loggedModelStore(ctx.sql)).setTags(requiredString(input, 'model_id'), tags);
      return {};
    },
  },
  {
    method: 'DELETE',
    path: 'logged-models/:model_id/tags/:tag_key',
    async handler(input, ctx) {
      await (await loggedModelStore(ctx.sql)).deleteTag(requiredString(input, 'model_id'), requiredString(input, 'tag_key'));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'logged-models/:model_id/params',
    async handler(input, ctx) {
      const params = objectList(input, 'params').map((p, i) => readKeyValue(p, `params[${i}].`));
      await (await loggedModelStore(ctx.sql)).logParams(requiredString(input, 'model_id'), params);
      return {};
    },
  },
];
