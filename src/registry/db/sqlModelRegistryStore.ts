import { CairnError } from '../../core/errors.js';
import type { SqlClient } from '../../core/sql/sqlClient.js';
import { parseFilter, parseOrderBy } from '../../tracking/filter/index.js';
import { fetchPage } from '../../tracking/pageToken.js';
import type { Page } from '../../tracking/trackingStore.js';
import type { CreateModelVersionRequest, ModelRegistryStore, SearchRegistryRequest } from '../modelRegistryStore.js';
import { ACTIVE_STAGES, REGISTRY_LIMITS, type ModelVersion, type ModelVersionStage, type RegisteredModel, type RegistryTag } from '../registryEntities.js';
import { checkAlias, checkModelName, checkRegistryTag, checkRegistryTags, checkStage, checkVersion } from '../validateRegistry.js';
import { compileRegistryFilter, compileRegistryOrderBy, searchDialect, type RegistryTarget } from './compileRegistrySearch.js';
import { loadModels, loadVersions, MODEL_COLUMNS, VERSION_COLUMNS, type ModelRow, type VersionRow } from './loadRegistryRows.js';
import { REGISTRY_LINEAGE, REGISTRY_MIGRATIONS } from './registryMigrations.js';

export interface SqlModelRegistryOptions {
  /** The clock timestamps come from (tests pass their own). */
  now?: () => number;
}

/** Opens the registry over a database, creating or upgrading its tables first. */
export async function openSqlModelRegistryStore(sql: SqlClient, options: SqlModelRegistryOptions = {}): Promise<SqlModelRegistryStore> {
  await sql.migrate(REGISTRY_LINEAGE, REGISTRY_MIGRATIONS);
  return new SqlModelRegistryStore(sql, options);
}

/** The model registry in SQL, written once for SQLite and PostgreSQL; every change is one transaction. */
export class SqlModelRegistryStore implements ModelRegistryStore {
  private readonly now: () => number;

  constructor(
    private readonly sql: SqlClient,
    options: SqlModelRegistryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async createRegisteredModel(input: { name: string; description?: string; tags?: RegistryTag[]; user_id?: string }): Promise<RegisteredModel> {
    const name = checkModelName(input.name);
    const tags = checkRegistryTags(input.tags);
    return this.sql.tx(async (sql) => {
      const now = this.now();
      // ON CONFLICT DO NOTHING rather than a check first: two creates of one name race safely on both databases.
      const row = await sql.get<{ id: number }>(
        'INSERT INTO registry_models (name, creation_timestamp, last_updated_timestamp, description, user_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id',
        [name, now, now, input.description ?? null, input.user_id ?? null],
      );
      if (!row) {
        throw new CairnError('CONFLICT', `Registered Model (name=${name}) already exists.`, {
          hint: 'choose another name, or add a version to the existing model with model-versions/create',
          data: { name },
        });
      }
      for (const tag of tags) await sql.run('INSERT INTO registry_model_tags (rm, key, value) VALUES (?, ?, ?)', [row.id, tag.key, tag.value]);
      return (await loadModels(sql, [await modelRow(sql, name)]))[0];
    });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await loadModels(this.sql, [await modelRow(this.sql, checkModelName(name))]))[0];
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    checkModelName(name);
    checkModelName(newName, 'new_name');
    return this.sql.tx(async (sql) => {
      const model = await modelRow(sql, name);
      const taken = await sql.get<{ id: number }>('SELECT id FROM registry_models WHERE name = ? AND id <> ?', [newName, model.id]);
      if (taken) throw new CairnError('CONFLICT', `Registered Model (name=${newName}) already exists.`, { hint: 'choose a name no other model has', data: { name: newName } });
      const now = this.now();
      try {
        await sql.run('UPDATE registry_models SET name = ?, last_updated_timestamp = ? WHERE id = ?', [newName, now, model.id]);
      } catch (err) {
        // A concurrent rename to the same name on PostgreSQL passes the check above; the unique index stops it here.
        if (isUniqueViolation(err)) throw new CairnError('CONFLICT', `Registered Model (name=${newName}) already exists.`, { hint: 'choose a name no other model has', data: { name: newName } });
        throw err;
      }
      await sql.run('UPDATE registry_versions SET last_updated_timestamp = ? WHERE rm = ?', [now, model.id]);
      return (await loadModels(sql, [await modelRow(sql, newName)]))[0];
    });
  }

  async updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel> {
    checkModelName(name);
    return this.sql.tx(async (sql) => {
      const model = await modelRow(sql, name);
      await sql.run('UPDATE registry_models SET description = ?, last_updated_timestamp = ? WHERE id = ?', [description ?? null, this.now(), model.id]);
      return (await loadModels(sql, [await modelRow(sql, name)]))[0];
    });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    checkModelName(name);
    await this.sql.tx(async (sql) => {
      const model = await modelRow(sql, name);
      // The rows writers lock come first (the model, then its versions), so on PostgreSQL a concurrent create or
      // alias either finishes before this delete reads the rows below it, or finds its model gone.
      await sql.run('DELETE FROM registry_models WHERE id = ?', [model.id]);
      for (const table of ['registry_versions', 'registry_aliases', 'registry_version_tags', 'registry_model_tags']) {
        await sql.run(`DELETE FROM ${table} WHERE rm = ?`, [model.id]);
      }
    });
  }

  async searchRegisteredModels(request: SearchRegistryRequest): Promise<Page<'registered_models', RegisteredModel>> {
    return this.searchPage(request, 'registered_models', REGISTRY_LIMITS.searchModels, {
      from: `SELECT ${MODEL_COLUMNS} FROM registry_models m`,
      hydrate: (rows: ModelRow[]) => loadModels(this.sql, rows),
    });
  }

  async getLatestVersions(name: string, stages: ModelVersionStage[] = []): Promise<ModelVersion[]> {
    const wanted = new Set(stages.map(checkStage));
    const model = await this.getRegisteredModel(name);
    return wanted.size === 0 ? model.latest_versions : model.latest_versions.filter((v) => wanted.has(v.current_stage));
  }

  async setRegisteredModelTag(name: string, tag: RegistryTag): Promise<void> {
    checkModelName(name);
    const t = checkRegistryTag(tag);
    await this.sql.tx(async (sql) => {
      const model = await modelRow(sql, name);
      await sql.run('INSERT INTO registry_model_tags (rm, key, value) VALUES (?, ?, ?) ON CONFLICT (rm, key) DO UPDATE SET value = excluded.value', [model.id, t.key, t.value]);
    });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    checkModelName(name);
    await this.sql.tx(async (sql) => {
      const model = await modelRow(sql, name);
      await sql.run('DELETE FROM registry_model_tags WHERE rm = ? AND key = ?', [model.id, key]);
    });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    checkModelName(name);
    checkAlias(alias);
    const number = checkVersion(version);
    await this.sql.tx(async (sql) => {
      const v = await lockedVersionRow(sql, name, number);
      await sql.run('INSERT INTO registry_aliases (rm, alias, version) VALUES (?, ?, ?) ON CONFLICT (rm, alias) DO UPDATE SET version = excluded.version', [v.rm, alias, number]);
    });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    checkModelName(name);
    checkAlias(alias);
    await this.sql.tx(async (sql) => {
      const model = await modelRow(sql, name);
      await sql.run('DELETE FROM registry_aliases WHERE rm = ? AND alias = ?', [model.id, alias]);
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    checkModelName(name);
    checkAlias(alias);
    const row = await this.sql.get<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM registry_aliases a JOIN registry_models m ON m.id = a.rm JOIN registry_versions v ON v.rm = a.rm AND v.version = a.version
       WHERE m.name = ? AND a.alias = ?`,
      [name, alias],
    );
    if (!row) {
      await modelRow(this.sql, name);
      // MLflow answers a missing alias with INVALID_PARAMETER_VALUE (400); cairn's own clients still see NOT_FOUND.
      throw new CairnError('NOT_FOUND', `Registered model alias ${alias} not found.`, {
        hint: `set it with registered-models/alias {"name": "${name}", "alias": "${alias}", "version": "1"}`,
        data: { name, alias, mlflow_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
    return (await loadVersions(this.sql, [row]))[0];
  }

  async createModelVersion(input: CreateModelVersionRequest): Promise<ModelVersion> {
    const name = checkModelName(input.name);
    if (typeof input.source !== 'string' || input.source === '') {
      throw new CairnError('USAGE', "Missing value for required parameter 'source'.", { hint: 'give the URI of the model files, e.g. runs:/<run_id>/model', data: { field: 'source' } });
    }
    const tags = checkRegistryTags(input.tags);
    return this.sql.tx(async (sql) => {
      const now = this.now();
      // The counter moves in the same statement that reads it: under the row lock (PostgreSQL) or the write lock
      // (SQLite), so two creates at once get different numbers.
      const allocated = await sql.get<{ id: number; version: number }>(
        'UPDATE registry_models SET next_version = next_version + 1, last_updated_timestamp = ? WHERE name = ? RETURNING id, next_version - 1 AS version',
        [now, name],
      );
      if (!allocated) throw modelNotFound(name);
      const rm = Number(allocated.id);
      const version = Number(allocated.version);
      await sql.run(
        `INSERT INTO registry_versions (rm, version, creation_timestamp, last_updated_timestamp, user_id, current_stage, description, source, storage_location, run_id, run_link, model_id, status)
         VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, ?, ?, 'READY')`,
        [rm, version, now, now, input.user_id ?? null, input.description ?? null, input.source, input.storage_location ?? null, input.run_id ?? null, input.run_link ?? null, input.model_id ?? null],
      );
      for (const tag of tags) await sql.run('INSERT INTO registry_version_tags (rm, version, key, value) VALUES (?, ?, ?, ?)', [rm, version, tag.key, tag.value]);
      return (await loadVersions(sql, [await versionRow(sql, name, version)]))[0];
    });
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    checkModelName(name);
    return (await loadVersions(this.sql, [await versionRow(this.sql, name, checkVersion(version))]))[0];
  }

  async updateModelVersion(name: string, version: string, description: string | undefined): Promise<ModelVersion> {
    checkModelName(name);
    const number = checkVersion(version);
    return this.sql.tx(async (sql) => {
      const v = await versionRow(sql, name, number);
      await sql.run('UPDATE registry_versions SET description = ?, last_updated_timestamp = ? WHERE rm = ? AND version = ?', [description ?? null, this.now(), v.rm, number]);
      return (await loadVersions(sql, [await versionRow(sql, name, number)]))[0];
    });
  }

  async transitionModelVersionStage(input: { name: string; version: string; stage: ModelVersionStage; archiveExisting: boolean }): Promise<ModelVersion> {
    checkModelName(input.name);
    const number = checkVersion(input.version);
    const stage = checkStage(input.stage);
    if (input.archiveExisting && !ACTIVE_STAGES.includes(stage)) {
      throw new CairnError('USAGE', `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}`, {
        hint: 'archive_existing_versions applies only to a move to Staging or Production',
        data: { field: 'archive_existing_versions' },
      });
    }
    return this.sql.tx(async (sql) => {
      const v = await versionRow(sql, input.name, number);
      const now = this.now();
      if (input.archiveExisting) {
        await sql.run("UPDATE registry_versions SET current_stage = 'Archived', last_updated_timestamp = ? WHERE rm = ? AND version <> ? AND current_stage = ?", [now, v.rm, number, stage]);
      }
      await sql.run('UPDATE registry_versions SET current_stage = ?, last_updated_timestamp = ? WHERE rm = ? AND version = ?', [stage, now, v.rm, number]);
      await sql.run('UPDATE registry_models SET last_updated_timestamp = ? WHERE id = ?', [now, v.rm]);
      return (await loadVersions(sql, [await versionRow(sql, input.name, number)]))[0];
    });
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    checkModelName(name);
    const number = checkVersion(version);
    await this.sql.tx(async (sql) => {
      const v = await versionRow(sql, name, number);
      // The version's row first: it is what setAlias and set-tag lock (see lockedVersionRow).
      for (const table of ['registry_versions', 'registry_aliases', 'registry_version_tags']) {
        await sql.run(`DELETE FROM ${table} WHERE rm = ? AND version = ?`, [v.rm, number]);
      }
      await sql.run('UPDATE registry_models SET last_updated_timestamp = ? WHERE id = ?', [this.now(), v.rm]);
    });
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    checkModelName(name);
    const v = await versionRow(this.sql, name, checkVersion(version));
    return v.storage_location ?? v.source;
  }

  async searchModelVersions(request: SearchRegistryRequest): Promise<Page<'model_versions', ModelVersion>> {
    return this.searchPage(request, 'model_versions', REGISTRY_LIMITS.searchVersions, {
      from: `SELECT ${VERSION_COLUMNS} FROM registry_versions v JOIN registry_models m ON m.id = v.rm`,
      hydrate: (rows: VersionRow[]) => loadVersions(this.sql, rows),
    });
  }

  async setModelVersionTag(name: string, version: string, tag: RegistryTag): Promise<void> {
    checkModelName(name);
    const number = checkVersion(version);
    const t = checkRegistryTag(tag);
    await this.sql.tx(async (sql) => {
      const v = await lockedVersionRow(sql, name, number);
      await sql.run(
        'INSERT INTO registry_version_tags (rm, version, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (rm, version, key) DO UPDATE SET value = excluded.value',
        [v.rm, number, t.key, t.value],
      );
    });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    checkModelName(name);
    const number = checkVersion(version);
    await this.sql.tx(async (sql) => {
      const v = await versionRow(sql, name, number);
      await sql.run('DELETE FROM registry_version_tags WHERE rm = ? AND version = ? AND key = ?', [v.rm, number, key]);
    });
  }

  /** One page of a search: the filter and order parsed by the shared grammar and compiled with bound values. */
  private async searchPage<K extends RegistryTarget, Row, T>(
    request: SearchRegistryRequest,
    target: K,
    limits: { default: number; max: number },
    query: { from: string; hydrate: (rows: Row[]) => Promise<T[]> },
  ): Promise<Page<K, T>> {
    const filter = compileRegistryFilter(parseFilter(request.filter ?? '', target), target, searchDialect(this.sql));
    const order = compileRegistryOrderBy((request.order_by ?? []).map((o) => parseOrderBy(o, target)), target);
    return fetchPage({
      key: target,
      request,
      limits,
      query: [target, request.filter ?? '', request.order_by ?? []],
      fetch: (limit, offset) =>
        this.sql.all<Row>(`${query.from} ${order.joins.sql} WHERE ${filter.sql} ORDER BY ${order.order} LIMIT ? OFFSET ?`, [
          ...order.joins.params,
          ...filter.params,
          limit,
          offset,
        ]),
      hydrate: query.hydrate,
    });
  }
}

async function modelRow(sql: SqlClient, name: string): Promise<ModelRow> {
  const row = await sql.get<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM registry_models m WHERE m.name = ?`, [name]);
  if (!row) throw modelNotFound(name);
  return row;
}

async function versionRow(sql: SqlClient, name: string, version: number): Promise<VersionRow> {
  const row = await sql.get<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM registry_versions v JOIN registry_models m ON m.id = v.rm WHERE m.name = ? AND v.version = ?`, [name, version]);
  if (row) return row;
  await modelRow(sql, name);
  throw new CairnError('NOT_FOUND', `Model Version (name=${name}, version=${version}) not found`, {
    hint: `list its versions with model-versions/search {"filter": "name = '${name.replace(/'/g, "\\'")}'"}`,
    data: { name, version: String(version) },
  });
}

/**
 * The version's row, locked until the transaction ends (an UPDATE that changes nothing takes PostgreSQL's row lock;
 * SQLite's transaction holds the write lock already), so a concurrent delete cannot leave an alias or a tag behind.
 */
async function lockedVersionRow(sql: SqlClient, name: string, version: number): Promise<VersionRow> {
  await sql.run('UPDATE registry_versions SET last_updated_timestamp = last_updated_timestamp WHERE rm = (SELECT id FROM registry_models WHERE name = ?) AND version = ?', [name, version]);
  return versionRow(sql, name, version);
}

/** A unique index refused the write (SQLite's and PostgreSQL's codes). */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function modelNotFound(name: string): CairnError {
  return new CairnError('NOT_FOUND', `Registered Model with name=${name} not found`, {
    hint: 'create it with registered-models/create, or list the models with registered-models/search',
    data: { name },
  });
}
