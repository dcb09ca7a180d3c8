import type { KeyValue, Metric } from '../entities.js';

/** MLflow 3's logged model (mlflow/protos/service.proto LoggedModel), with MLflow's field names. */

export const LOGGED_MODEL_STATUSES = ['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** A metric of a model: the run that logged it and the dataset it was measured on, when known. */
export interface LoggedModelMetric extends Metric {
  model_id: string;
  run_id: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface LoggedModelInfo {
  /** `m-` and 32 hex characters, as MLflow makes them. */
  model_id: string;
  experiment_id: string;
  name: string;
  /** Where the model's files go: `<experiment's artifact location>/models/<model_id>/artifacts`. */
  artifact_uri: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: LoggedModelStatus;
  status_message?: string;
  model_type?: string;
  source_run_id?: string;
  tags: KeyValue[];
}

export interface LoggedModel {
  info: LoggedModelInfo;
  data: { params: KeyValue[]; metrics: LoggedModelMetric[] };
}

/** The logged models a run used (inputs) and produced (outputs, at a step). */
export interface RunModels {
  inputs: Array<{ model_id: string }>;
  outputs: Array<{ model_id: string; step: number }>;
}

export interface CreateLoggedModelRequest {
  experiment_id: string;
  /** The experiment's artifact location; the model's files go below it. */
  experiment_artifact_location: string;
  name?: string;
  model_type?: string;
  source_run_id?: string;
  params?: KeyValue[];
  tags?: KeyValue[];
}

/** One ordering of a logged-model search: an attribute or `metrics.<key>` (optionally on one dataset). */
export interface LoggedModelOrder {
  field_name: string;
  ascending?: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface SearchLoggedModelsRequest {
  experiment_ids: string[];
  /** The shared filter grammar over attributes, `metrics.`, `params.` and `tags.`. */
  filter?: string;
  /** Only models with metrics on one of these datasets; metric filters and orders then read those metrics only. */
  datasets?: Array<{ dataset_name: string; dataset_digest?: string }>;
  max_results?: number;
  order_by?: LoggedModelOrder[];
  page_token?: string;
}
