import { CairnError } from '../core/errors.js';
import type { DatasetInput, Experiment, Run, RunInfo, RunStatus } from './entities.js';
import type { SearchRunsRequest, TrackingStore } from './trackingStore.js';

/** Conveniences over the TrackingStore primitives, so every backend gets them alike (MLflow's client does the same). */

export function logMetric(store: TrackingStore, runId: string, metric: { key: string; value: number; step?: number; timestamp?: number }): Promise<void> {
  const point = { key: metric.key, value: metric.value, step: metric.step ?? 0, timestamp: metric.timestamp ?? Date.now() };
  return store.write([{ op: 'logBatch', run_id: runId, metrics: [point] }]);
}

export function logParam(store: TrackingStore, runId: string, key: string, value: string): Promise<void> {
  return store.write([{ op: 'logBatch', run_id: runId, params: [{ key, value }] }]);
}

export function setTag(store: TrackingStore, runId: string, key: string, value: string): Promise<void> {
  return store.write([{ op: 'logBatch', run_id: runId, tags: [{ key, value }] }]);
}

export function logInputs(store: TrackingStore, runId: string, datasets: DatasetInput[]): Promise<void> {
  return store.write([{ op: 'logInputs', run_id: runId, datasets }]);
}

/** MLflow's runs/update: returns the updated info. */
export async function updateRun(store: TrackingStore, runId: string, fields: { status?: RunStatus; end_time?: number | null; run_name?: string }): Promise<RunInfo> {
  await store.write([{ op: 'updateRun', run_id: runId, ...fields }]);
  return (await store.getRun(runId)).info;
}

/** Ends a run with a status (FINISHED by default) at `endTime` (now by default). */
export function terminateRun(store: TrackingStore, runId: string, status: RunStatus = 'FINISHED', endTime = Date.now()): Promise<RunInfo> {
  return updateRun(store, runId, { status, end_time: endTime });
}

/** The experiment named `name`, created when missing (a race with another creator is settled by reading it back). */
export async function ensureExperiment(store: TrackingStore, name: string): Promise<Experiment> {
  const found = await store.getExperimentByName(name);
  if (found) return found;
  try {
    return await store.getExperiment(await store.createExperiment({ name }));
  } catch (err) {
    const again = err instanceof CairnError && err.code === 'CONFLICT' ? await store.getExperimentByName(name) : null;
    if (again) return again;
    throw err;
  }
}

/** Every run a search matches, page after page (for the CLI's -n beyond one page and for exports). */
export async function searchAllRuns(store: TrackingStore, request: SearchRunsRequest, limit = Infinity): Promise<Run[]> {
  const out: Run[] = [];
  let page_token: string | undefined;
  do {
    const max_results = Math.min(50_000, limit - out.length);
    const page = await store.searchRuns({ ...request, max_results, page_token });
    out.push(...page.runs);
    page_token = page.next_page_token;
  } while (page_token && out.length < limit);
  return out;
}

/** A run by id, or by a unique prefix of at least 6 characters of its id (as people copy them from tables). */
export async function resolveRun(store: TrackingStore, idOrPrefix: string): Promise<Run> {
  const id = idOrPrefix.toLowerCase();
  if (/^[0-9a-f]{32}$/.test(id)) return store.getRun(id);
  if (!/^[0-9a-f]{6,31}$/.test(id)) {
    throw new CairnError('USAGE', `"${idOrPrefix}" is not a run id`, { hint: 'run ids are 32 hex characters (or a unique prefix of 6 or more), as `cairn runs list` shows them' });
  }
  const page = await store.searchRuns({ filter: `attributes.run_id LIKE '${id}%'`, run_view_type: 'ALL', max_results: 2 });
  if (page.runs.length === 1) return page.runs[0];
  if (page.runs.length === 0) {
    throw new CairnError('NOT_FOUND', `no run with an id starting with ${id}`, { hint: 'list runs with `cairn runs list --all`', data: { run_id: id } });
  }
  throw new CairnError('USAGE', `the run id prefix ${id} is ambiguous: ${page.runs.map((r) => r.info.run_id).join(', ')}`, { hint: 'give more characters of the id' });
}
