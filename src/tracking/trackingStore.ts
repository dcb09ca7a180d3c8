import type { DownsampleOptions, DownsampleResult } from './downsample.js';
import type { Readable } from 'node:stream';
import type {
  Artifact,
  Dataset,
  DatasetInput,
  Experiment,
  Metric,
  Param,
  Run,
  RunInfo,
  RunStatus,
  RunTag,
  ViewType,
} from './entities.js';

/**
 * Where runs are recorded. Backends (sqlite/, later postgres/ and http/) implement only these primitives, over MLflow's
 * entities and with MLflow's request fields, so the MLflow-compatible server is a thin mapping; conveniences
 * (log_metric as a one-element batch, set_tag, terminate...) live in trackingOps.ts so every backend gets them alike.
 *
 * Rules every backend keeps (the contract suite in test/contract/trackingStoreContract.ts checks them):
 * - Unknown ids → CairnError NOT_FOUND; a second experiment with a used name → CONFLICT; bad keys, values or filters
 *   → USAGE (with `data.column` for a filter that does not parse).
 * - Params are immutable: logging the same value again is fine, another value → CONFLICT naming key, old and new.
 * - `write` is atomic: every write of the call and its checkpoint are stored, or none is.
 * - Deleting is soft (lifecycle_stage "deleted") and `restore*` undoes it; searches skip deleted entities by default.
 * - Searches return at most `max_results` items and an opaque `next_page_token` when more remain.
 */
export interface TrackingStore {
  /** The store's URI with any secret redacted, for messages. */
  readonly displayUri: string;

  createExperiment(request: CreateExperimentRequest): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** Null when no experiment (active or deleted) has that name. */
  getExperimentByName(name: string): Promise<Experiment | null>;
  searchExperiments(request?: SearchExperimentsRequest): Promise<Page<'experiments', Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: RunTag): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  /** Creates a run (RUNNING unless told); `run_id` may be given (events files name their run), else one is made. */
  createRun(request: CreateRunRequest): Promise<RunInfo>;
  /** The run with its params, tags, latest metrics and inputs. */
  getRun(runId: string): Promise<Run>;
  searchRuns(request: SearchRunsRequest): Promise<Page<'runs', Run>>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  /** Deleting a tag the run does not have → NOT_FOUND (MLflow's rule). */
  deleteTag(runId: string, key: string): Promise<void>;
  /** Every point of one metric, by step then timestamp. */
  getMetricHistory(runId: string, key: string, request?: PageRequest): Promise<Page<'metrics', Metric>>;
  /**
   * A sampled history of one metric for charts (MLflow's get-history-bulk-interval): the points at the steps
   * `sampleSteps` keeps out of the run's steps in [start_step, end_step], by step then timestamp.
   */
  sampleMetricHistory(runId: string, key: string, request: SampleHistoryRequest): Promise<Metric[]>;
  /**
   * Optional: downsample() of one metric done by the store itself (SQLite aggregates in SQL). Without it, callers
   * stream getMetricHistory's pages through createDownsampler; both keep every bucket's min and max.
   */
  downsampleMetricHistory?(runId: string, key: string, options: DownsampleOptions): Promise<DownsampleResult>;
  /** Artifacts whose path is `prefix` or below it (all of them without a prefix), sorted by path. */
  listArtifacts(runId: string, prefix?: string): Promise<Artifact[]>;

  /** Applies writes atomically, together with `checkpoint` when given (ingestion records how far it read). */
  write(writes: TrackingWrite[], checkpoint?: IngestCheckpoint): Promise<void>;
  /** The byte offset recorded for an ingestion source; 0 when it was never ingested. */
  getIngestOffset(source: string): Promise<number>;

  close(): Promise<void>;
}

export interface CreateExperimentRequest {
  name: string;
  /** Default: `<store's artifact root>/<experiment_id>`. */
  artifact_location?: string;
  tags?: RunTag[];
}

export interface CreateRunRequest {
  experiment_id: string;
  run_id?: string;
  run_name?: string;
  user_id?: string;
  start_time?: number;
  status?: RunStatus;
  tags?: RunTag[];
}

export interface PageRequest {
  max_results?: number;
  page_token?: string;
}

export interface SampleHistoryRequest {
  /** At most this many steps (plus the last one). */
  max_results: number;
  start_step?: number;
  end_step?: number;
}

export interface SearchExperimentsRequest extends PageRequest {
  /** The shared filter grammar over `name`, `creation_time`, `last_update_time` and `tags.<key>`. */
  filter?: string;
  /** e.g. `["name ASC", "last_update_time DESC"]`; default `creation_time DESC`, then id. */
  order_by?: string[];
  view_type?: ViewType;
}

export interface SearchRunsRequest extends PageRequest {
  /** Empty or absent: every experiment. */
  experiment_ids?: string[];
  /** The shared filter grammar (src/tracking/filter): `metrics.acc > 0.9 and params.opt = 'adam'`. */
  filter?: string;
  /** e.g. `["metrics.acc DESC", "attributes.start_time"]`; default `start_time DESC`, then run id. */
  order_by?: string[];
  run_view_type?: ViewType;
}

/** One page of a search; `next_page_token` is present only when another page exists. */
export type Page<K extends string, T> = { [P in K]: T[] } & { next_page_token?: string };

/** Ingestion's progress through one events file, stored in the same transaction as the data it read. */
export interface IngestCheckpoint {
  source: string;
  run_id: string;
  offset: number;
  /**
   * The offset this write continues from: when the stored one differs (another process ingested the same lines
   * meanwhile), the write is refused with CONFLICT and `data.reason = 'ingest-offset-moved'`, so nothing is stored twice.
   */
  expected_offset?: number;
}

/** A change to runs; `write` applies a list of them atomically (MLflow's log-batch is one `logBatch`). */
export type TrackingWrite =
  /** Creates the run if it does not exist; otherwise sets its name (when given) and adds its tags. */
  | { op: 'ensureRun'; run: CreateRunRequest & { run_id: string } }
  | { op: 'logBatch'; run_id: string; metrics?: Metric[]; params?: Param[]; tags?: RunTag[] }
  | { op: 'logInputs'; run_id: string; datasets: DatasetInput[] }
  | { op: 'logArtifacts'; run_id: string; artifacts: Artifact[] }
  /** Forgets artifacts: each path names a file, or a folder whose every file goes; a path with nothing is fine. */
  | { op: 'deleteArtifacts'; run_id: string; paths: string[] }
  /** MLflow's runs/update: only the fields given change. */
  | { op: 'updateRun'; run_id: string; status?: RunStatus; end_time?: number | null; run_name?: string };

/**
 * Where artifact bytes live. The tracking layer stores only (path, oid, size); the caller injects this over the data
 * cache (src/cli/artifactBlobs.ts), so tracking does not depend on the data layer.
 */
export interface ArtifactBlobs {
  /** Stores a file's bytes (idempotent: the same content is stored once) and returns its oid and size. */
  put(file: string): Promise<{ oid: string; size: number }>;
  open(oid: string): Promise<Readable>;
}

export type { Dataset };
