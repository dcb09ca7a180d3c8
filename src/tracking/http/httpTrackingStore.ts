import { CairnError } from '../../core/errors.js';
import type { Artifact, Experiment, Metric, Run, RunInfo, RunTag } from '../entities.js';
import type {
  CreateExperimentRequest,
  CreateRunRequest,
  IngestCheckpoint,
  Page,
  PageRequest,
  SampleHistoryRequest,
  SearchExperimentsRequest,
  SearchRunsRequest,
  TrackingStore,
  TrackingWrite,
} from '../trackingStore.js';
import { checkRunId, checkSampleRequest } from '../validate.js';
import { TrackingHttpClient, type TrackingAuth } from './trackingHttpClient.js';
import { decodeArtifact, decodeExperiment, decodeMetric, decodeRun, decodeRunInfo, encodeWrites } from './wire.js';

export interface HttpTrackingStoreOptions {
  /** http(s)://host:port of a cairn server. */
  uri: string;
  auth?: TrackingAuth;
  /** Who runs are created by when a request names none (the client's user, not the server's). */
  user?: string;
  timeoutMs?: number;
}

const MLFLOW = 'api/2.0/mlflow/';
const NATIVE = 'api/cairn/v1/';

/**
 * The TrackingStore of a cairn server, over HTTP: MLflow's REST API where it has the call (experiments, runs,
 * search, history), cairn's native API where it does not (atomic writes with an ingestion checkpoint, ingest
 * offsets, artifacts with their oids, runs created with a given id). Errors are the server's CairnErrors, rebuilt.
 */
export class HttpTrackingStore implements TrackingStore {
  readonly client: TrackingHttpClient;
  readonly displayUri: string;
  private readonly user?: string;

  constructor(options: HttpTrackingStoreOptions) {
    this.client = new TrackingHttpClient({ uri: options.uri, auth: options.auth, timeoutMs: options.timeoutMs });
    this.displayUri = this.client.displayUri;
    this.user = options.user;
  }

  /** Opens the store and checks that a cairn server answers there, so a wrong URL fails at once and clearly. */
  static async open(options: HttpTrackingStoreOptions): Promise<HttpTrackingStore> {
    const store = new HttpTrackingStore(options);
    await store.client.json('GET', `${NATIVE}tracking/ingest-offset`, { query: { source: 'cairn:probe' }, doing: 'connect' }).catch((err: unknown) => {
      if (err instanceof CairnError && err.code === 'NOT_FOUND') {
        throw new CairnError('USAGE', `${store.displayUri} is not a cairn server (it has no /api/cairn/v1/ API)`, {
          hint: 'CAIRN_TRACKING_URI must point at `cairn server`; an MLflow server works with MLflow clients only',
        });
      }
      throw err;
    });
    return store;
  }

  async createExperiment(request: CreateExperimentRequest): Promise<string> {
    const out = await this.mlflow<{ experiment_id: string }>('POST', 'experiments/create', { ...request }, `create experiment "${request.name}"`);
    return String(out.experiment_id);
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const out = await this.mlflow<{ experiment: unknown }>('GET', 'experiments/get', { experiment_id: experimentId }, `get experiment ${experimentId}`);
    return decodeExperiment(out.experiment);
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    try {
      const out = await this.mlflow<{ experiment: unknown }>('GET', 'experiments/get-by-name', { experiment_name: name }, `get experiment "${name}"`);
      return decodeExperiment(out.experiment);
    } catch (err) {
      if (err instanceof CairnError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  async searchExperiments(request: SearchExperimentsRequest = {}): Promise<Page<'experiments', Experiment>> {
    const out = await this.mlflow<{ experiments?: unknown[]; next_page_token?: string }>('POST', 'experiments/search', { ...request }, 'search experiments');
    return withToken({ experiments: (out.experiments ?? []).map(decodeExperiment) }, out.next_page_token);
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.mlflow('POST', 'experiments/update', { experiment_id: experimentId, new_name: newName }, `rename experiment ${experimentId}`);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.mlflow('POST', 'experiments/delete', { experiment_id: experimentId }, `delete experiment ${experimentId}`);
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.mlflow('POST', 'experiments/restore', { experiment_id: experimentId }, `restore experiment ${experimentId}`);
  }

  async setExperimentTag(experimentId: string, tag: RunTag): Promise<void> {
    await this.mlflow('POST', 'experiments/set-experiment-tag', { experiment_id: experimentId, ...tag }, `tag experiment ${experimentId}`);
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.mlflow('POST', 'experiments/delete-experiment-tag', { experiment_id: experimentId, key }, `untag experiment ${experimentId}`);
  }

  async createRun(request: CreateRunRequest): Promise<RunInfo> {
    const body = { ...request, user_id: request.user_id ?? this.user };
    // MLflow's runs/create takes neither an id nor a status; cairn's own call does (events files name their run).
    if (request.run_id !== undefined || request.status !== undefined) {
      const out = await this.native<{ run: { info: unknown } }>('POST', 'runs/create', body, 'create a run');
      return decodeRunInfo(out.run.info);
    }
    const out = await this.mlflow<{ run: { info: unknown } }>('POST', 'runs/create', body, 'create a run');
    return decodeRunInfo(out.run.info);
  }

  async getRun(runId: string): Promise<Run> {
    // A malformed id is the caller's mistake (USAGE), as every store says, not a run the server lacks.
    checkRunId(runId);
    const out = await this.mlflow<{ run: unknown }>('GET', 'runs/get', { run_id: runId }, `get run ${runId}`);
    return decodeRun(out.run);
  }

  async searchRuns(request: SearchRunsRequest): Promise<Page<'runs', Run>> {
    const out = await this.mlflow<{ runs?: unknown[]; next_page_token?: string }>('POST', 'runs/search', { ...request }, 'search runs');
    return withToken({ runs: (out.runs ?? []).map(decodeRun) }, out.next_page_token);
  }

  async deleteRun(runId: string): Promise<void> {
    checkRunId(runId);
    await this.mlflow('POST', 'runs/delete', { run_id: runId }, `delete run ${runId}`);
  }

  async restoreRun(runId: string): Promise<void> {
    checkRunId(runId);
    await this.mlflow('POST', 'runs/restore', { run_id: runId }, `restore run ${runId}`);
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    checkRunId(runId);
    await this.mlflow('POST', 'runs/delete-tag', { run_id: runId, key }, `delete tag "${key}" of run ${runId}`);
  }

  async getMetricHistory(runId: string, key: string, request: PageRequest = {}): Promise<Page<'metrics', Metric>> {
    checkRunId(runId);
    const out = await this.mlflow<{ metrics?: unknown[]; next_page_token?: string }>(
      'GET',
      'metrics/get-history',
      { run_id: runId, metric_key: key, max_results: request.max_results, page_token: request.page_token },
      `get the history of metric "${key}" of run ${runId}`,
    );
    return withToken({ metrics: (out.metrics ?? []).map((m, i) => decodeMetric(m, `metrics[${i}]`)) }, out.next_page_token);
  }

  async sampleMetricHistory(runId: string, key: string, request: SampleHistoryRequest): Promise<Metric[]> {
    checkRunId(runId);
    checkSampleRequest(request);
    // MLflow's call takes both ends of the range or neither.
    const ranged = request.start_step !== undefined || request.end_step !== undefined;
    const range = ranged ? { start_step: request.start_step ?? Number.MIN_SAFE_INTEGER, end_step: request.end_step ?? Number.MAX_SAFE_INTEGER } : {};
    const out = await this.mlflow<{ metrics?: unknown[] }>(
      'GET',
      'metrics/get-history-bulk-interval',
      { run_ids: runId, metric_key: key, max_results: request.max_results, ...range },
      `sample the history of metric "${key}" of run ${runId}`,
    );
    return (out.metrics ?? []).map((m, i) => {
      const { key: k, value, timestamp, step } = decodeMetric(m, `metrics[${i}]`);
      return { key: k, value, timestamp, step };
    });
  }

  async listArtifacts(runId: string, prefix?: string): Promise<Artifact[]> {
    checkRunId(runId);
    const out = await this.client.json<{ artifacts?: unknown[] }>('GET', `${NATIVE}runs/${encodeURIComponent(runId)}/artifacts`, {
      query: { prefix },
      doing: `list the artifacts of run ${runId}`,
    });
    return (out.artifacts ?? []).map((a, i) => decodeArtifact(a, `artifacts[${i}]`));
  }

  async write(writes: TrackingWrite[], checkpoint?: IngestCheckpoint): Promise<void> {
    if (writes.length === 0 && !checkpoint) return;
    await this.native('POST', 'tracking/write', { writes: encodeWrites(writes), ...(checkpoint ? { checkpoint } : {}) }, 'record runs');
  }

  async getIngestOffset(source: string): Promise<number> {
    const out = await this.native<{ offset: number }>('GET', 'tracking/ingest-offset', { source }, 'read an ingestion offset');
    return Number(out.offset ?? 0);
  }

  async close(): Promise<void> {
    // Nothing to release: fetch's pooled sockets close on their own when idle.
  }

  private mlflow<T>(method: 'GET' | 'POST', path: string, input: Record<string, unknown>, doing: string): Promise<T> {
    return this.call<T>(method, `${MLFLOW}${path}`, input, doing);
  }

  private native<T>(method: 'GET' | 'POST', path: string, input: Record<string, unknown>, doing: string): Promise<T> {
    return this.call<T>(method, `${NATIVE}${path}`, input, doing);
  }

  private call<T>(method: 'GET' | 'POST', path: string, input: Record<string, unknown>, doing: string): Promise<T> {
    if (method === 'GET') return this.client.json<T>('GET', path, { query: input as Record<string, string | number | undefined>, doing });
    return this.client.json<T>('POST', path, { body: input, doing });
  }
}

function withToken<T extends object>(page: T, token: string | undefined): T & { next_page_token?: string } {
  return token ? { ...page, next_page_token: token } : page;
}
