/** Typed calls to the server's MLflow REST API (the same endpoints MLflow's own UI calls, under /ajax-api). */
import { request } from './http';
import type { Experiment, MetricPoint, Run, RunStatus, ViewType } from './types';

const ROOT = 'ajax-api/2.0/mlflow/';

interface WireKeyValue {
  key: string;
  value: string;
}
interface WireMetric {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}
export interface WireRun {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    user_id?: string;
    status: RunStatus;
    start_time?: number;
    end_time?: number;
    artifact_uri?: string;
    lifecycle_stage: 'active' | 'deleted';
  };
  data?: { metrics?: WireMetric[]; params?: WireKeyValue[]; tags?: WireKeyValue[] };
}
interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time?: number;
  last_update_time?: number;
  tags?: WireKeyValue[];
}

/** A double as protobuf JSON writes it ("NaN", "Infinity" are strings). */
export function readDouble(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v === 'NaN' ? NaN : Number(v);
}

function toMap(items: WireKeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of items ?? []) out[key] = value;
  return out;
}

export function toRun(w: WireRun): Run {
  const metrics: Record<string, number> = {};
  for (const m of w.data?.metrics ?? []) metrics[m.key] = readDouble(m.value);
  return {
    id: w.info.run_id,
    name: w.info.run_name ?? '',
    experimentId: w.info.experiment_id,
    status: w.info.status,
    user: w.info.user_id ?? '',
    startTime: w.info.start_time ?? 0,
    endTime: w.info.end_time ?? null,
    lifecycle: w.info.lifecycle_stage,
    artifactUri: w.info.artifact_uri ?? '',
    params: toMap(w.data?.params),
    metrics,
    tags: toMap(w.data?.tags),
  };
}

function toExperiment(w: WireExperiment): Experiment {
  return {
    id: w.experiment_id,
    name: w.name,
    lifecycle: w.lifecycle_stage,
    artifactLocation: w.artifact_location ?? '',
    creationTime: w.creation_time ?? null,
    lastUpdateTime: w.last_update_time ?? null,
    tags: toMap(w.tags),
  };
}

export async function searchExperiments(options: { filter?: string; viewType?: ViewType; signal?: AbortSignal } = {}): Promise<Experiment[]> {
  const out: Experiment[] = [];
  let pageToken: string | undefined;
  do {
    const page = await request<{ experiments?: WireExperiment[]; next_page_token?: string }>(`${ROOT}experiments/search`, {
      body: { max_results: 1000, filter: options.filter || undefined, view_type: options.viewType ?? 'ACTIVE_ONLY', page_token: pageToken, order_by: ['last_update_time DESC'] },
      signal: options.signal,
    });
    out.push(...(page.experiments ?? []).map(toExperiment));
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return out;
}

export async function getExperiment(id: string, signal?: AbortSignal): Promise<Experiment> {
  const r = await request<{ experiment: WireExperiment }>(`${ROOT}experiments/get`, { query: { experiment_id: id }, signal });
  return toExperiment(r.experiment);
}

export interface SearchRunsOptions {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
  signal?: AbortSignal;
}

export async function searchRuns(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken: string | null }> {
  const page = await request<{ runs?: WireRun[]; next_page_token?: string }>(`${ROOT}runs/search`, {
    body: {
      experiment_ids: options.experimentIds,
      filter: options.filter || undefined,
      order_by: options.orderBy && options.orderBy.length > 0 ? options.orderBy : undefined,
      max_results: options.maxResults ?? 1000,
      page_token: options.pageToken,
      run_view_type: options.viewType ?? 'ACTIVE_ONLY',
    },
    signal: options.signal,
  });
  return { runs: (page.runs ?? []).map(toRun), nextPageToken: page.next_page_token || null };
}

export async function getRun(runId: string, signal?: AbortSignal): Promise<Run> {
  const r = await request<{ run: WireRun }>(`${ROOT}runs/get`, { query: { run_id: runId }, signal });
  return toRun(r.run);
}

export async function setRunTag(runId: string, key: string, value: string): Promise<void> {
  await request(`${ROOT}runs/set-tag`, { body: { run_id: runId, key, value } });
}

export async function deleteRun(runId: string): Promise<void> {
  await request(`${ROOT}runs/delete`, { body: { run_id: runId } });
}

export async function restoreRun(runId: string): Promise<void> {
  await request(`${ROOT}runs/restore`, { body: { run_id: runId } });
}

/** A metric's full history, every page. */
export async function getMetricHistory(runId: string, key: string, signal?: AbortSignal): Promise<MetricPoint[]> {
  const out: MetricPoint[] = [];
  let pageToken: string | undefined;
  do {
    const page = await request<{ metrics?: WireMetric[]; next_page_token?: string }>(`${ROOT}metrics/get-history`, {
      query: { run_id: runId, metric_key: key, max_results: 25000, page_token: pageToken },
      signal,
    });
    for (const m of page.metrics ?? []) out.push({ ...m, value: readDouble(m.value) });
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return out;
}

/** Sampled series of several runs for charts (MLflow's get-history-bulk-interval). */
export async function getHistoryBulkInterval(
  options: { runIds: string[]; key: string; maxResults?: number; startStep?: number; endStep?: number },
  signal?: AbortSignal,
): Promise<Array<MetricPoint & { run_id: string }>> {
  const r = await request<{ metrics?: Array<WireMetric & { run_id: string }> }>(`${ROOT}metrics/get-history-bulk-interval`, {
    query: { run_ids: options.runIds, metric_key: options.key, max_results: options.maxResults ?? 1000, start_step: options.startStep, end_step: options.endStep },
    signal,
  });
  return (r.metrics ?? []).map((m) => ({ ...m, value: readDouble(m.value) }));
}
