/** What the UI works with: MLflow's wire shapes flattened into maps, times in ms. */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface Run {
  id: string;
  name: string;
  experimentId: string;
  status: RunStatus;
  user: string;
  startTime: number;
  endTime: number | null;
  lifecycle: 'active' | 'deleted';
  artifactUri: string;
  params: Record<string, string>;
  /** Each metric's latest value (NaN and ±Infinity as numbers). */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export interface Experiment {
  id: string;
  name: string;
  lifecycle: 'active' | 'deleted';
  artifactLocation: string;
  creationTime: number | null;
  lastUpdateTime: number | null;
  tags: Record<string, string>;
}

/** An experiment's run counts and last activity (the native API's experiments/summary). */
export interface ExperimentSummary {
  experiment_id: string;
  runs: number;
  running: number;
  deleted_runs: number;
  last_activity: number | null;
}

/** The distinct keys of the runs of some experiments, for the column picker and the filter's autocomplete. */
export interface RunKeys {
  params: string[];
  metrics: string[];
  tags: string[];
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
