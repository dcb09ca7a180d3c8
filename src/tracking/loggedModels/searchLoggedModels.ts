import { CairnError } from '../../core/errors.js';
import { ATTRIBUTES, TARGET_ATTRIBUTE_ALIASES, compareSubjects, evaluateFilter, parseFilter, type FilterSubject, type OrderBy } from '../filter/index.js';
import type { LoggedModel, LoggedModelMetric, LoggedModelOrder, SearchLoggedModelsRequest } from './loggedModel.js';

/**
 * The models a search matches, in its order (pure: the store loads an experiment's models and pages the result).
 * With `datasets`, only metrics measured on one of them count, and a model without such a metric is left out.
 */
export function searchLoggedModels(models: LoggedModel[], request: SearchLoggedModelsRequest): LoggedModel[] {
  const datasets = request.datasets ?? [];
  for (const d of datasets) {
    if (!d.dataset_name) throw new CairnError('USAGE', '`dataset_name` in the `datasets` clause must be specified.');
  }
  const onDatasets = (m: LoggedModelMetric, only: Array<{ dataset_name?: string; dataset_digest?: string }>) =>
    only.length === 0 || only.some((d) => (!d.dataset_name || m.dataset_name === d.dataset_name) && (!d.dataset_digest || m.dataset_digest === d.dataset_digest));
  const filter = parseFilter(request.filter ?? '', 'logged_models');
  const orders = (request.order_by ?? []).map(readOrder);
  const byCreation = orders.some((o) => o.order.key === 'creation_timestamp' && o.order.entity === 'attribute');
  const clauses: OrderBy[] = [...orders.map((o) => o.order), ...(byCreation ? [] : [{ entity: 'attribute' as const, key: 'creation_timestamp', ascending: false }]), { entity: 'attribute', key: 'model_id', ascending: true }];

  const subjects = new Map<LoggedModel, FilterSubject>();
  const matched = models.filter((model) => {
    const metrics = model.data.metrics.filter((m) => onDatasets(m, datasets));
    if (datasets.length > 0 && metrics.length === 0) return false;
    const subject = subjectOf(model, metrics);
    // An order on one dataset's metric reads that dataset's latest value.
    for (const o of orders) {
      if (o.order.entity === 'metric' && (o.dataset_name || o.dataset_digest)) {
        const value = latest(model.data.metrics.filter((m) => m.key === o.order.key && onDatasets(m, [o])));
        if (value === undefined) delete subject.metrics![o.order.key];
        else subject.metrics![o.order.key] = value;
      }
    }
    subjects.set(model, subject);
    return evaluateFilter(filter, subject);
  });
  const compare = compareSubjects(clauses);
  return matched.sort((a, b) => compare(subjects.get(a)!, subjects.get(b)!));
}

function subjectOf(model: LoggedModel, metrics: LoggedModelMetric[]): FilterSubject {
  const byKey = new Map<string, LoggedModelMetric[]>();
  for (const m of metrics) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
  const { info } = model;
  return {
    metrics: Object.fromEntries([...byKey].map(([key, points]) => [key, latest(points)!])),
    params: Object.fromEntries(model.data.params.map((p) => [p.key, p.value])),
    tags: Object.fromEntries(info.tags.map((t) => [t.key, t.value])),
    attributes: {
      model_id: info.model_id,
      name: info.name,
      model_type: info.model_type ?? null,
      status: info.status,
      source_run_id: info.source_run_id ?? null,
      experiment_id: info.experiment_id,
      creation_timestamp: info.creation_timestamp_ms,
      last_updated_timestamp: info.last_updated_timestamp_ms,
    },
  };
}

/** MLflow's latest value of a model metric: the newest timestamp, then the highest step. */
function latest(points: LoggedModelMetric[]): number | undefined {
  let best: LoggedModelMetric | undefined;
  for (const p of points) if (!best || p.timestamp > best.timestamp || (p.timestamp === best.timestamp && p.step > best.step)) best = p;
  return best?.value;
}

function readOrder(o: LoggedModelOrder): { order: OrderBy; dataset_name?: string; dataset_digest?: string } {
  const field = typeof o?.field_name === 'string' ? o.field_name : '';
  const ascending = o.ascending ?? true;
  if (field.startsWith('metrics.') && field.length > 'metrics.'.length) {
    return { order: { entity: 'metric', key: field.slice('metrics.'.length), ascending }, dataset_name: o.dataset_name, dataset_digest: o.dataset_digest };
  }
  const key = TARGET_ATTRIBUTE_ALIASES.logged_models[field] ?? field;
  if (!ATTRIBUTES.logged_models[key]) {
    throw new CairnError('USAGE', `Invalid order by field name: ${field || '(none)'}`, { hint: `order by metrics.<key> or one of ${Object.keys(ATTRIBUTES.logged_models).join(', ')}` });
  }
  return { order: { entity: 'attribute', key, ascending } };
}
