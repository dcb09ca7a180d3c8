import { SYSTEM_TAGS, type Experiment, type Run } from './entities.js';
import type { FilterSubject } from './filter/index.js';

/** A run as the in-memory filter evaluator sees it (the same fields the stores' SQL reads). */
export function runSubject(run: Run): FilterSubject {
  return {
    metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])),
    params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])),
    tags: Object.fromEntries(run.data.tags.map((t) => [t.key, t.value])),
    attributes: { ...run.info },
    datasets: run.inputs.dataset_inputs.map((i) => ({
      name: i.dataset.name,
      digest: i.dataset.digest,
      context: i.tags.find((t) => t.key === SYSTEM_TAGS.datasetContext)?.value,
    })),
  };
}

/** An experiment as the evaluator sees it. */
export function experimentSubject(exp: Experiment): FilterSubject {
  const { tags, ...attributes } = exp;
  return { tags, attributes };
}
