/**
 * MLflow's tracking entities, with MLflow's field names (snake_case, as on the wire), so the MLflow-compatible server
 * maps them one to one. Times are milliseconds since the epoch.
 */

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type LifecycleStage = 'active' | 'deleted';
/** Which lifecycle stages a search returns (MLflow's ViewType). */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** The experiment every run lands in when none is named. */
export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

export interface RunInfo {
  /** 32 lowercase hex characters. */
  run_id: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

export interface Metric {
  key: string;
  /** NaN and ±Infinity are valid values (MLflow accepts them). */
  value: number;
  timestamp: number;
  step: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export type Param = KeyValue;
export type RunTag = KeyValue;

export interface Dataset {
  name: string;
  /** For data cairn tracks, the data's oid. */
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

/** A dataset used by a run; its context ("training", "eval"...) is the tag `mlflow.data.context`, as in MLflow. */
export interface DatasetInput {
  dataset: Dataset;
  tags: RunTag[];
}

/** A file in a run's artifacts: its bytes are a cache object. */
export interface Artifact {
  /** `/`-separated, relative to the run's artifact root; never `..`, never absolute. */
  path: string;
  oid: string;
  size: number;
}

export interface RunData {
  /** The latest value of each metric key (highest step, then timestamp, then value — MLflow's rule). */
  metrics: Metric[];
  params: Param[];
  tags: RunTag[];
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: { dataset_inputs: DatasetInput[] };
}

/** MLflow's system tags, recorded on runs so MLflow's tools find them by commit, source and parent. */
export const SYSTEM_TAGS = {
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  parentRunId: 'mlflow.parentRunId',
  datasetContext: 'mlflow.data.context',
} as const;

/** MLflow's limits (mlflow/utils/validation.py), enforced by every backend alike. */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  searchRunsDefault: 1000,
  searchRunsMax: 50000,
  searchExperimentsDefault: 1000,
  searchExperimentsMax: 50000,
  metricHistoryDefault: 25000,
  /** cairn's own bound on a history page (MLflow has none; the server streams longer histories page by page). */
  metricHistoryMax: 1_000_000,
} as const;
