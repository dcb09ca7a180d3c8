import { randomUUID } from 'node:crypto';
import { CairnError } from '../../core/errors.js';
import type { SqlClient } from '../../core/sql/sqlClient.js';
import type { KeyValue, Metric } from '../entities.js';
import { decodePageToken, encodePageToken, pageSize } from '../pageToken.js';
import { generateRunName } from '../runName.js';
import { checkKey, checkMetric, checkParamValue, checkRunId, checkTag } from '../validate.js';
import {
  LOGGED_MODEL_STATUSES,
  type CreateLoggedModelRequest,
  type LoggedModel,
  type LoggedModelMetric,
  type LoggedModelStatus,
  type RunModels,
  type SearchLoggedModelsRequest,
} from './loggedModel.js';
import { LOGGED_MODEL_MIGRATIONS } from './migrations.js';
import { searchLoggedModels } from './searchLoggedModels.js';

type ModelRow = {
  model_id: string;
  experiment_id: string;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: LoggedModelStatus;
  status_message: string | null;
  model_type: string | null;
  source_run_id: string | null;
};
type MetricRow = { model_id: string; key: string; value: number | null; is_nan: number; timestamp: number; step: number; run_id: string; dataset_name: string; dataset_digest: string };

const MODEL_COLUMNS = 'model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, status_message, model_type, source_run_id';

/** MLflow's characters a logged model name may not hold (mlflow/utils/validation.py). */
const BAD_NAME = /[/:.%"']/;

/**
 * MLflow 3's logged models over the server's SqlClient (SQLite or PostgreSQL alike). Deleting is soft, and a deleted
 * model is not found, as in MLflow. Experiments are checked by the caller (it holds the TrackingStore).
 */
export class LoggedModelStore {
  constructor(
    private readonly sql: SqlClient,
    private readonly now: () => number = Date.now,
  ) {}

  async create(request: CreateLoggedModelRequest): Promise<LoggedModel> {
    if (request.name !== undefined && (request.name === '' || BAD_NAME.test(request.name))) {
      throw new CairnError('USAGE', `Invalid model name ('${request.name}') provided. Model name must not contain any of the following characters: / : . % " '`);
    }
    if (request.source_run_id) checkRunId(request.source_run_id);
    const params = (request.params ?? []).map((p) => ({ key: checkKey(p.key, 'param'), value: checkParamValue(p.key, p.value) }));
    const tags = (request.tags ?? []).map(checkTag);
    unique(params, 'params');
    unique(tags, 'tags');
    const modelId = `m-${randomUUID().replace(/-/g, '')}`;
    const now = this.now();
    await this.sql.tx(async (sql) => {
      await sql.run(`INSERT INTO logged_models (${MODEL_COLUMNS}, lifecycle_stage) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 'active')`, [
        modelId,
        request.experiment_id,
        request.name ?? generateRunName(),
        `${request.experiment_artifact_location.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
        now,
        now,
        'LOGGED_MODEL_PENDING',
        request.model_type || null,
        request.source_run_id || null,
      ]);
      for (const p of params) await sql.run('INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)', [modelId, p.key, p.value]);
      for (const t of tags) await sql.run('INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)', [modelId, t.key, t.value]);
    });
    return this.get(modelId);
  }

  /** The model; NOT_FOUND when there is none or it is deleted. */
  async get(modelId: string): Promise<LoggedModel> {
    const row = await this.sql.get<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'`, [modelId]);
    if (!row) throw notFound(modelId);
    return (await this.hydrate([row]))[0];
  }

  async finalize(modelId: string, status: LoggedModelStatus, statusMessage?: string): Promise<LoggedModel> {
    if (!LOGGED_MODEL_STATUSES.includes(status)) {
      throw new CairnError('USAGE', `Invalid status ${JSON.stringify(status)}: expected one of ${LOGGED_MODEL_STATUSES.join(', ')}`);
    }
    await this.touch(modelId, 'UPDATE logged_models SET status = ?, status_message = ?, last_updated_timestamp_ms = ? WHERE model_id = ?', [status, statusMessage ?? null, this.now(), modelId]);
    return this.get(modelId);
  }

  async delete(modelId: string): Promise<void> {
    await this.touch(modelId, "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = ? WHERE model_id = ?", [this.now(), modelId]);
  }

  async setTags(modelId: string, tags: KeyValue[]): Promise<void> {
    const checked = tags.map(checkTag);
    await this.sql.tx(async (sql) => {
      await this.activeIn(sql, modelId);
      for (const t of checked) {
        await sql.run('INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value', [modelId, t.key, t.value]);
      }
    });
  }

  async deleteTag(modelId: string, key: string): Promise<void> {
    await this.sql.tx(async (sql) => {
      await this.activeIn(sql, modelId);
      const { changes } = await sql.run('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?', [modelId, key]);
      if (changes === 0) throw new CairnError('NOT_FOUND', `No tag with key '${key}' found for model with ID '${modelId}'.`);
    });
  }

  /** Params are immutable, as a run's are: the same value again is fine, another is refused. */
  async logParams(modelId: string, params: KeyValue[]): Promise<void> {
    const checked = params.map((p) => ({ key: checkKey(p.key, 'param'), value: checkParamValue(p.key, p.value) }));
    await this.sql.tx(async (sql) => {
      await this.activeIn(sql, modelId);
      for (const p of checked) {
        const old = await sql.get<{ value: string }>('SELECT value FROM logged_model_params WHERE model_id = ? AND key = ?', [modelId, p.key]);
        if (old && old.value !== p.value) {
          throw new CairnError('CONFLICT', `param "${p.key}" of model ${modelId} was logged as ${JSON.stringify(old.value)}; it cannot change to ${JSON.stringify(p.value)}`, {
            hint: 'params are immutable once logged',
            data: { mlflow_code: 'INVALID_PARAMETER_VALUE', key: p.key },
          });
        }
        if (!old) await sql.run('INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)', [modelId, p.key, p.value]);
      }
    });
  }

  /** Metrics a run logged for a model (MLflow 3's `model_id` on log-metric / log-batch). */
  async logMetrics(modelId: string, runId: string, metrics: Array<Metric & { dataset_name?: string; dataset_digest?: string }>): Promise<void> {
    const checked = metrics.map((m) => ({ ...checkMetric(m), dataset_name: m.dataset_name ?? '', dataset_digest: m.dataset_digest ?? '' }));
    await this.sql.tx(async (sql) => {
      await this.activeIn(sql, modelId);
      for (const m of checked) {
        const nan = Number.isNaN(m.value);
        await sql.run('INSERT INTO logged_model_metrics (model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          modelId, m.key, nan ? null : m.value, nan ? 1 : 0, m.timestamp, m.step, runId, m.dataset_name, m.dataset_digest,
        ]);
      }
    });
  }

  /** Records that a run used these models (MLflow 3's log-inputs `models`). */
  logRunInputs(runId: string, modelIds: string[]): Promise<void> {
    return this.linkRun(runId, 'input', modelIds.map((model_id) => ({ model_id, step: 0 })));
  }

  /** Records that a run produced these models (MLflow 3's runs/outputs). */
  logRunOutputs(runId: string, models: Array<{ model_id: string; step: number }>): Promise<void> {
    return this.linkRun(runId, 'output', models);
  }

  /** The models each run used and produced, for a page of runs (one query). */
  async runModels(runIds: string[]): Promise<Map<string, RunModels>> {
    const out = new Map<string, RunModels>();
    if (runIds.length === 0) return out;
    const rows = await allIn(runIds, (ids) =>
      this.sql.all<{ run_id: string; model_id: string; direction: string; step: number }>(
        `SELECT run_id, model_id, direction, step FROM logged_model_runs WHERE run_id IN (${ids.marks}) ORDER BY run_id, direction, step, model_id`,
        ids.values,
      ),
    );
    for (const r of rows) {
      let models = out.get(r.run_id);
      if (!models) out.set(r.run_id, (models = { inputs: [], outputs: [] }));
      if (r.direction === 'input') models.inputs.push({ model_id: r.model_id });
      else models.outputs.push({ model_id: r.model_id, step: r.step });
    }
    return out;
  }

  async search(request: SearchLoggedModelsRequest): Promise<{ models: LoggedModel[]; next_page_token?: string }> {
    const size = pageSize(request.max_results, { default: 100, max: 50_000 });
    const query = JSON.stringify([request.experiment_ids, request.filter ?? '', request.datasets ?? [], request.order_by ?? []]);
    const offset = decodePageToken(request.page_token, query);
    if (request.experiment_ids.length === 0) return { models: [] };
    const rows = await allIn(request.experiment_ids, (ids) =>
      this.sql.all<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM logged_models WHERE lifecycle_stage = 'active' AND experiment_id IN (${ids.marks})`, ids.values),
    );
    const matched = searchLoggedModels(await this.hydrate(rows), request);
    const models = matched.slice(offset, offset + size);
    return matched.length > offset + size ? { models, next_page_token: encodePageToken(offset + size, query) } : { models };
  }

  private async linkRun(runId: string, direction: 'input' | 'output', models: Array<{ model_id: string; step: number }>): Promise<void> {
    checkRunId(runId);
    await this.sql.tx(async (sql) => {
      for (const m of models) {
        await this.activeIn(sql, m.model_id);
        await sql.run('INSERT INTO logged_model_runs (run_id, model_id, direction, step) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, direction, model_id) DO UPDATE SET step = excluded.step', [
          runId, m.model_id, direction, m.step,
        ]);
      }
    });
  }

  private async touch(modelId: string, statement: string, params: unknown[]): Promise<void> {
    await this.sql.tx(async (sql) => {
      await this.activeIn(sql, modelId);
      await sql.run(statement, params);
    });
  }

  private async activeIn(sql: SqlClient, modelId: string): Promise<void> {
    const row = await sql.get("SELECT 1 AS ok FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'", [modelId]);
    if (!row) throw notFound(modelId);
  }

  private async hydrate(rows: ModelRow[]): Promise<LoggedModel[]> {
    if (rows.length === 0) return [];
    const models = new Map<string, LoggedModel>();
    for (const r of rows) {
      models.set(r.model_id, {
        info: {
          model_id: r.model_id,
          experiment_id: r.experiment_id,
          name: r.name,
          artifact_uri: r.artifact_location,
          creation_timestamp_ms: Number(r.creation_timestamp_ms),
          last_updated_timestamp_ms: Number(r.last_updated_timestamp_ms),
          status: r.status,
          ...(r.status_message ? { status_message: r.status_message } : {}),
          ...(r.model_type ? { model_type: r.model_type } : {}),
          ...(r.source_run_id ? { source_run_id: r.source_run_id } : {}),
          tags: [],
        },
        data: { params: [], metrics: [] },
      });
    }
    const modelIds = [...models.keys()];
    type KeyValueRow = { model_id: string; key: string; value: string };
    const params = await allIn(modelIds, (ids) => this.sql.all<KeyValueRow>(`SELECT model_id, key, value FROM logged_model_params WHERE model_id IN (${ids.marks}) ORDER BY key`, ids.values));
    for (const p of params) models.get(p.model_id)!.data.params.push({ key: p.key, value: p.value });
    const tags = await allIn(modelIds, (ids) => this.sql.all<KeyValueRow>(`SELECT model_id, key, value FROM logged_model_tags WHERE model_id IN (${ids.marks}) ORDER BY key`, ids.values));
    for (const t of tags) models.get(t.model_id)!.info.tags.push({ key: t.key, value: t.value });
    const metricRows = await allIn(modelIds, (ids) =>
      this.sql.all<MetricRow>(
        `SELECT model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest FROM logged_model_metrics WHERE model_id IN (${ids.marks}) ORDER BY key, timestamp, step`,
        ids.values,
      ),
    );
    for (const m of metricRows) {
      const metric: LoggedModelMetric = {
        key: m.key,
        value: m.is_nan ? NaN : Number(m.value),
        timestamp: Number(m.timestamp),
        step: Number(m.step),
        model_id: m.model_id,
        run_id: m.run_id,
        ...(m.dataset_name ? { dataset_name: m.dataset_name } : {}),
        ...(m.dataset_digest ? { dataset_digest: m.dataset_digest } : {}),
      };
      models.get(m.model_id)!.data.metrics.push(metric);
    }
    return [...models.values()];
  }
}

const stores = new WeakMap<SqlClient, Promise<LoggedModelStore>>();

/** The logged-model store over a server's database, its schema migrated on first use (once per client). */
export function loggedModelStore(sql: SqlClient, now?: () => number): Promise<LoggedModelStore> {
  let store = stores.get(sql);
  if (!store) {
    store = sql.migrate('logged_models', LOGGED_MODEL_MIGRATIONS).then(() => new LoggedModelStore(sql, now));
    store.catch(() => stores.delete(sql));
    stores.set(sql, store);
  }
  return store;
}

function notFound(modelId: string): CairnError {
  return new CairnError('NOT_FOUND', `Logged model with ID '${modelId}' not found.`, { hint: 'search logged models of the experiment to see their ids', data: { model_id: modelId } });
}

/** The most values one IN list binds (SQLite allows 32766 parameters in a statement). */
const IN_CHUNK = 1024;

/**
 * Rows of a query over an IN list, in chunks of at most IN_CHUNK values, each padded (with its first value again) to
 * a power of two: statements for pages of any size come in a few shapes, so the client's statement cache stays small.
 * Row order holds within a chunk only, which is all the callers need (they group rows by owner).
 */
async function allIn<T>(values: string[], query: (ids: { marks: string; values: string[] }) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += IN_CHUNK) {
    const chunk = values.slice(i, i + IN_CHUNK);
    let size = 8;
    while (size < chunk.length) size *= 2;
    const padded = [...chunk, ...Array<string>(size - chunk.length).fill(chunk[0])];
    out.push(...(await query({ marks: padded.map(() => '?').join(', '), values: padded })));
  }
  return out;
}

function unique(items: KeyValue[], what: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.key)) throw new CairnError('USAGE', `Logged model ${what} must have unique keys: "${item.key}" is given twice`);
    seen.add(item.key);
  }
}
