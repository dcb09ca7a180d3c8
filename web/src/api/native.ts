/** Typed calls to cairn's native API (/api/cairn/v1/...): what the UI needs beyond MLflow's API. */
import { request } from './http';
import { readDouble } from './mlflow';
import type { ExperimentSummary, RunKeys } from './types';

const ROOT = 'api/cairn/v1/';

export interface ServerInfo {
  version: string;
  backend: string;
  auth: boolean;
  repo: string | null;
}

export function getInfo(signal?: AbortSignal): Promise<ServerInfo> {
  return request<ServerInfo>(`${ROOT}info`, { signal });
}

/** Run counts and last activity of every experiment. */
export async function getExperimentSummaries(signal?: AbortSignal): Promise<ExperimentSummary[]> {
  return (await request<{ experiments: ExperimentSummary[] }>(`${ROOT}experiments/summary`, { signal })).experiments;
}

/** The distinct param, metric and tag keys of the runs of these experiments. */
export function getRunKeys(experimentIds: string[], signal?: AbortSignal): Promise<RunKeys> {
  return request<RunKeys>(`${ROOT}experiments/keys`, { query: { experiment_ids: experimentIds.join(',') }, signal });
}

/** The pipeline DAG (`cairn dag --json`), from the workspace or a Git revision. */
export function getPipelineDag(rev?: string, signal?: AbortSignal): Promise<unknown> {
  return request(`${ROOT}pipeline/dag`, { query: { rev }, signal });
}

/** Where a run came from and what it made. */
export function getRunLineage(runId: string, signal?: AbortSignal): Promise<unknown> {
  return request(`${ROOT}runs/${encodeURIComponent(runId)}/lineage`, { signal });
}

/** The tracked data of a revision. */
export function getData(rev?: string, signal?: AbortSignal): Promise<unknown> {
  return request(`${ROOT}data`, { query: { rev }, signal });
}

/** A metric downsampled by the server (min/max per bucket), values read as numbers. */
export interface DownsampledSeries {
  run_id: string;
  key: string;
  total: number;
  steps: number[];
  timestamps: number[];
  values: number[];
}

export async function getDownsampled(
  runId: string,
  options: { key: string; points?: number; x?: 'step' | 'time'; from?: number; to?: number },
  signal?: AbortSignal,
): Promise<DownsampledSeries> {
  const r = await request<Omit<DownsampledSeries, 'values'> & { values: Array<number | string> }>(`${ROOT}runs/${encodeURIComponent(runId)}/metrics/downsampled`, {
    query: { key: options.key, points: options.points, x: options.x, from: options.from, to: options.to },
    signal,
  });
  return { ...r, values: r.values.map(readDouble) };
}
