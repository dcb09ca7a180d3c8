/** The model registry over MLflow's REST API. */
import { request } from './http';

const ROOT = 'ajax-api/2.0/mlflow/';

export interface ModelVersion {
  name: string;
  version: string;
  current_stage: string;
  run_id?: string;
  source?: string;
  status?: string;
  creation_timestamp?: number;
  aliases?: string[];
}

export interface RegisteredModel {
  name: string;
  description?: string;
  aliases?: Array<{ alias: string; version: string }>;
  latest_versions?: ModelVersion[];
  last_updated_timestamp?: number;
}

export async function searchModels(): Promise<RegisteredModel[]> {
  const r = await request<{ registered_models?: RegisteredModel[] }>(`${ROOT}registered-models/search`, { query: { max_results: 1000 } });
  return r.registered_models ?? [];
}

export async function searchVersions(name: string): Promise<ModelVersion[]> {
  const filter = `name = '${name.replace(/'/g, "\\'")}'`;
  const r = await request<{ model_versions?: ModelVersion[] }>(`${ROOT}model-versions/search`, { query: { filter, max_results: 1000 } });
  return r.model_versions ?? [];
}

export async function setAlias(name: string, alias: string, version: string): Promise<void> {
  await request(`${ROOT}registered-models/alias`, { body: { name, alias, version } });
}

export async function deleteAlias(name: string, alias: string): Promise<void> {
  await request(`${ROOT}registered-models/alias`, { method: 'DELETE', body: { name, alias } });
}

export async function transitionStage(name: string, version: string, stage: string): Promise<void> {
  await request(`${ROOT}model-versions/transition-stage`, { body: { name, version, stage, archive_existing_versions: false } });
}
