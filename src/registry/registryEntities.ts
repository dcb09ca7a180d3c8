/**
 * The model registry's entities, with MLflow's field names (so the server returns them as they are): a registered
 * model has versions numbered 1, 2, ... per name, tags, and aliases that point a name such as `champion` at one version.
 */

/** MLflow's (deprecated, still used) stages a version is in; `None` is a stage's name, not a missing value. */
export const MODEL_VERSION_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelVersionStage = (typeof MODEL_VERSION_STAGES)[number];

/** The stages `archive_existing_versions` applies to (MLflow's DEFAULT_STAGES_FOR_GET_LATEST_VERSIONS). */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];

export interface RegistryTag {
  key: string;
  value: string;
}

export interface RegisteredModelAlias {
  alias: string;
  /** The version number, as a string (MLflow's wire type). */
  version: string;
}

export interface ModelVersion {
  name: string;
  /** 1, 2, 3 ... per registered model, as a string as MLflow sends it. */
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: ModelVersionStage;
  description?: string;
  /** Where the model's files are, as the client gave it (`runs:/<run_id>/model`, `s3://...`, `models:/m-...`). */
  source: string;
  run_id?: string;
  run_link?: string;
  /** MLflow 3: the logged model this version registers. */
  model_id?: string;
  /** Versions are ready once created: the registry never copies files. */
  status: 'READY';
  status_message?: string;
  tags: RegistryTag[];
  /** The aliases pointing at this version. */
  aliases: string[];
}

export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  description?: string;
  /** The highest version in each stage (one entry per stage that has a version), as MLflow computes it. */
  latest_versions: ModelVersion[];
  tags: RegistryTag[];
  aliases: RegisteredModelAlias[];
}

/** MLflow's limits on registry input (mlflow/utils/validation.py). */
export const REGISTRY_LIMITS = {
  tagKeyLength: 250,
  tagValueLength: 5000,
  aliasLength: 255,
  nameLength: 256,
  searchModels: { default: 100, max: 1000 },
  searchVersions: { default: 1000, max: 200_000 },
} as const;
