import { CairnError } from '../../../core/errors.js';
import { SYSTEM_TAGS, type DatasetInput } from '../../../tracking/entities.js';
import { loggedModelStore } from '../../../tracking/loggedModels/loggedModelStore.js';
import { logMetric, logParam, setTag, updateRun } from '../../../tracking/trackingOps.js';
import { checkBatchLimits, checkStatus } from '../../../tracking/validate.js';
import type { ServerContext } from '../../serverContext.js';
import { invalid, missing, objectList, optionalString, requiredString, stringList } from '../input.js';
import type { MlflowRoute, RouteInput } from '../route.js';
import { oneAtATime } from './oneAtATime.js';
import { paramRule, readInt, requestIdList, readKeyValue, readMetric, requestMaxResults, requestRunId, requestViewType, wireRun, wireRunInfo } from './wire.js';

/** MLflow's runs endpoints, thin over the TrackingStore; MLflow 3's model inputs and outputs live in the LoggedModelStore. */

/** The tag MLflow 2 keeps every logged model of a run in, as a JSON list. */
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

async function getRun(ctx: ServerContext, runId: string) {
  const [run, models] = await Promise.all([ctx.tracking.getRun(runId), (await loggedModelStore(ctx.sql)).runModels([runId])]);
  return wireRun(run, models.get(runId));
}

/** The run, which must be active: a deleted run takes no writes, as the store refuses them too. */
async function activeRun(ctx: ServerContext, runId: string): Promise<void> {
  const { info } = await ctx.tracking.getRun(runId);
  if (info.lifecycle_stage !== 'active') {
    throw new CairnError('USAGE', `run ${runId} is deleted; it cannot be written to`, { hint: 'restore it first (runs/restore)' });
  }
}

export const runRoutes: MlflowRoute[] = [
  {
    method: 'POST',
    path: 'runs/create',
    async handler(input, ctx) {
      const tags = objectList(input, 'tags').map((t, i) => readKeyValue(t, `tags[${i}].`));
      const runName = optionalString(input, 'run_name') || undefined;
      const nameTag = tags.find((t) => t.key === SYSTEM_TAGS.runName)?.value;
      if (runName && nameTag !== undefined && nameTag !== runName) {
        throw new CairnError('USAGE', `Both 'run_name' argument and '${SYSTEM_TAGS.runName}' tag are specified, but with different values (run_name='${runName}', ${SYSTEM_TAGS.runName}='${nameTag}').`, {
          hint: 'give the name once, or the same name in both',
        });
      }
      const info = await ctx.tracking.createRun({
        // MLflow's file store put runs without an experiment in Default; so does cairn.
        experiment_id: optionalString(input, 'experiment_id') || '0',
        run_name: runName,
        user_id: optionalString(input, 'user_id') || undefined,
        start_time: input.start_time === undefined || input.start_time === null ? undefined : readInt(input.start_time, 'start_time'),
        tags,
      });
      const tagsOut = [...tags.filter((t) => t.key !== SYSTEM_TAGS.runName), { key: SYSTEM_TAGS.runName, value: info.run_name }].sort((a, b) => (a.key < b.key ? -1 : 1));
      return { run: { info: wireRunInfo(info), data: { metrics: [], params: [], tags: tagsOut }, inputs: { dataset_inputs: [] } } };
    },
  },
  {
    method: 'GET',
    path: 'runs/get',
    async handler(input, ctx) {
      return { run: await getRun(ctx, requestRunId(input)) };
    },
  },
  {
    method: 'POST',
    path: 'runs/update',
    async handler(input, ctx) {
      const status = optionalString(input, 'status');
      const runName = optionalString(input, 'run_name');
      const info = await updateRun(ctx.tracking, requestRunId(input), {
        ...(status ? { status: checkStatus(status) } : {}),
        ...(input.end_time === undefined || input.end_time === null ? {} : { end_time: readInt(input.end_time, 'end_time') }),
        ...(runName ? { run_name: runName } : {}),
      });
      return { run_info: wireRunInfo(info) };
    },
  },
  {
    method: 'POST',
    path: 'runs/delete',
    async handler(input, ctx) {
      await ctx.tracking.deleteRun(requestRunId(input));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/restore',
    async handler(input, ctx) {
      await ctx.tracking.restoreRun(requestRunId(input));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-metric',
    async handler(input, ctx) {
      const runId = requestRunId(input);
      const metric = readMetric(input);
      const modelId = optionalString(input, 'model_id');
      // An unknown model refuses the point before the run stores it.
      const models = modelId ? await loggedModelStore(ctx.sql) : null;
      if (models && modelId) await models.get(modelId);
      await logMetric(ctx.tracking, runId, metric);
      if (models && modelId) await models.logMetrics(modelId, runId, [{ ...metric, ...datasetOf(input) }]);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-parameter',
    async handler(input, ctx) {
      const { key, value } = readKeyValue(input);
      await paramRule(logParam(ctx.tracking, requestRunId(input), key, value));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/set-tag',
    async handler(input, ctx) {
      const { key, value } = readKeyValue(input);
      await setTag(ctx.tracking, requestRunId(input), key, value);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/delete-tag',
    async handler(input, ctx) {
      await ctx.tracking.deleteTag(requestRunId(input), requiredString(input, 'key'));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-batch',
    async handler(input, ctx) {
      const runId = requestRunId(input);
      const rawMetrics = objectList(input, 'metrics');
      const rawParams = objectList(input, 'params');
      const rawTags = objectList(input, 'tags');
      checkBatchLimits({ metrics: rawMetrics, params: rawParams, tags: rawTags });
      const metrics = rawMetrics.map((m, i) => readMetric(m, `metrics[${i}].`));
      const params = rawParams.map((p, i) => readKeyValue(p, `params[${i}].`));
      const tags = rawTags.map((t, i) => readKeyValue(t, `tags[${i}].`));
      // MLflow 3: metrics that name a logged model are that model's metrics too (unknown models refuse the batch first).
      const forModels = rawMetrics.flatMap((m, i) => (typeof m.model_id === 'string' && m.model_id ? [{ modelId: m.model_id, metric: { ...metrics[i], ...datasetOf(m) } }] : []));
      const models = forModels.length > 0 ? await loggedModelStore(ctx.sql) : null;
      for (const modelId of new Set(forModels.map((f) => f.modelId))) await models!.get(modelId);
      await paramRule(ctx.tracking.write([{ op: 'logBatch', run_id: runId, metrics, params, tags }]));
      for (const { modelId, metric } of forModels) await models!.logMetrics(modelId, runId, [metric]);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-inputs',
    async handler(input, ctx) {
      const runId = requestRunId(input);
      const datasets = objectList(input, 'datasets').map(readDatasetInput);
      const models = objectList(input, 'models').map((m, i) => readModelId(m, `models[${i}].model_id`));
      if (datasets.length > 0) await ctx.tracking.write([{ op: 'logInputs', run_id: runId, datasets }]);
      else await activeRun(ctx, runId);
      if (models.length > 0) await (await loggedModelStore(ctx.sql)).logRunInputs(runId, models);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/outputs',
    async handler(input, ctx) {
      const runId = requestRunId(input);
      const models = objectList(input, 'models').map((m, i) => ({
        model_id: readModelId(m, `models[${i}].model_id`),
        step: m.step === undefined || m.step === null ? 0 : readInt(m.step, `models[${i}].step`),
      }));
      await activeRun(ctx, runId);
      await (await loggedModelStore(ctx.sql)).logRunOutputs(runId, models);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-model',
    async handler(input, ctx) {
      const runId = requestRunId(input);
      const text = requiredString(input, 'model_json');
      let model: Record<string, unknown>;
      try {
        model = JSON.parse(text);
      } catch {
        throw new CairnError('USAGE', `Malformed model info. \n ${text.slice(0, 200)} \n is not a valid JSON.`);
      }
      if (typeof model !== 'object' || model === null || Array.isArray(model)) throw invalid('model_json', text, 'a JSON object');
      const missingFields = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((f) => !(f in model));
      if (missingFields.length > 0) throw new CairnError('USAGE', `Model json is missing mandatory fields: ${missingFields.join(', ')}`);
      // Read-modify-write of one tag: calls for the same run take turns, so two models logged at once both stay.
      await oneAtATime(runId, async () => {
        const run = await ctx.tracking.getRun(runId);
        const previous = run.data.tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
        const history = previous ? (JSON.parse(previous) as unknown[]) : [];
        history.push(modelTagsDict(model));
        await setTag(ctx.tracking, runId, LOG_MODEL_HISTORY_TAG, JSON.stringify(history));
      });
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/search',
    async handler(input, ctx) {
      const page = await ctx.tracking.searchRuns({
        experiment_ids: requestIdList(input, 'experiment_ids'),
        filter: optionalString(input, 'filter') || undefined,
        order_by: stringList(input, 'order_by'),
        run_view_type: requestViewType(input, 'run_view_type'),
        max_results: requestMaxResults(input),
        page_token: optionalString(input, 'page_token') || undefined,
      });
      const models = await (await loggedModelStore(ctx.sql)).runModels(page.runs.map((r) => r.info.run_id));
      return { runs: page.runs.map((r) => wireRun(r, models.get(r.info.run_id))), ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}) };
    },
  },
];

function readModelId(item: Record<string, unknown>, field: string): string {
  const id = item.model_id;
  if (id === undefined || id === null || id === '') throw missing(field);
  if (typeof id !== 'string') throw invalid(field, id, 'a string');
  return id;
}

function datasetOf(item: RouteInput): { dataset_name?: string; dataset_digest?: string } {
  return {
    ...(typeof item.dataset_name === 'string' && item.dataset_name ? { dataset_name: item.dataset_name } : {}),
    ...(typeof item.dataset_digest === 'string' && item.dataset_digest ? { dataset_digest: item.dataset_digest } : {}),
  };
}

function readDatasetInput(item: Record<string, unknown>, i: number): DatasetInput {
  const d = item.dataset as Record<string, unknown> | undefined;
  if (typeof d !== 'object' || d === null) throw invalid(`datasets[${i}].dataset`, d, 'a dataset object');
  const text = (key: string, required: boolean): string | undefined => {
    const v = d[key];
    if (v === undefined || v === null) {
      if (required) throw invalid(`datasets[${i}].dataset.${key}`, v, 'a non-empty string');
      return undefined;
    }
    if (typeof v !== 'string' || (required && v === '')) throw invalid(`datasets[${i}].dataset.${key}`, v, 'a non-empty string');
    return v;
  };
  const tags = objectList(item, 'tags').map((t, j) => readKeyValue(t, `datasets[${i}].tags[${j}].`));
  const schema = text('schema', false);
  const profile = text('profile', false);
  return {
    dataset: { name: text('name', true)!, digest: text('digest', true)!, source_type: text('source_type', false) ?? '', source: text('source', false) ?? '', ...(schema ? { schema } : {}), ...(profile ? { profile } : {}) },
    tags,
  };
}

/** What MLflow records of a model in the run's history tag (Model.get_tags_dict: no signature, no example info, no flavor configs). */
function modelTagsDict(model: Record<string, unknown>): Record<string, unknown> {
  const { signature: _signature, saved_input_example_info: _example, ...rest } = model;
  const flavors = rest.flavors;
  if (flavors && typeof flavors === 'object' && !Array.isArray(flavors)) {
    rest.flavors = Object.fromEntries(
      Object.entries(flavors as Record<string, unknown>).map(([name, config]) => {
        if (!config || typeof config !== 'object' || Array.isArray(config)) return [name, config];
        const { config: _config, ...kept } = config as Record<string, unknown>;
        return [name, kept];
      }),
    );
  }
  return rest;
}
