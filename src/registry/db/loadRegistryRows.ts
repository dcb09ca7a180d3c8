import type { SqlClient } from '../../core/sql/sqlClient.js';
import type { ModelVersion, ModelVersionStage, RegisteredModel } from '../registryEntities.js';

/** The columns a registered model is read from (`registry_models m`). */
export const MODEL_COLUMNS = 'm.id, m.name, m.creation_timestamp, m.last_updated_timestamp, m.description, m.user_id';

/** The columns a model version is read from (`registry_versions v JOIN registry_models m ON m.id = v.rm`). */
export const VERSION_COLUMNS =
  'v.rm, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage, v.description, v.source, v.storage_location, v.run_id, v.run_link, v.model_id, v.status, v.status_message';

export interface ModelRow {
  id: number;
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string | null;
  user_id: string | null;
}

export interface VersionRow {
  rm: number;
  name: string;
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string | null;
  current_stage: string;
  description: string | null;
  source: string;
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
  model_id: string | null;
  status: string;
  status_message: string | null;
}

/** Registered models with their tags, aliases and latest version per stage, in the order of `rows`: three queries in all. */
export async function loadModels(sql: SqlClient, rows: ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  // A page holds at most 1000 models (MLflow's limit), well inside SQLite's limit on bound values.
  const inIds = `(${ids.map(() => '?').join(', ')})`;
  const [tags, aliases, latest] = [
    await sql.all<{ rm: number; key: string; value: string }>(`SELECT rm, key, value FROM registry_model_tags WHERE rm IN ${inIds} ORDER BY key`, ids),
    await sql.all<{ rm: number; alias: string; version: number }>(`SELECT rm, alias, version FROM registry_aliases WHERE rm IN ${inIds} ORDER BY alias`, ids),
    await sql.all<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM registry_versions v JOIN registry_models m ON m.id = v.rm
       JOIN (SELECT rm, current_stage, max(version) AS top FROM registry_versions WHERE rm IN ${inIds} GROUP BY rm, current_stage) l
         ON l.rm = v.rm AND l.top = v.version
       ORDER BY v.version`,
      ids,
    ),
  ];
  const latestVersions = groupBy(await loadVersions(sql, latest), (v) => v.name);
  const tagsOf = groupBy(tags, (t) => String(t.rm));
  const aliasesOf = groupBy(aliases, (a) => String(a.rm));
  return rows.map((r) => {
    const id = String(r.id);
    return {
      name: r.name,
      creation_timestamp: Number(r.creation_timestamp),
      last_updated_timestamp: Number(r.last_updated_timestamp),
      ...(r.user_id ? { user_id: r.user_id } : {}),
      ...(r.description !== null && r.description !== undefined ? { description: r.description } : {}),
      latest_versions: latestVersions.get(r.name) ?? [],
      tags: (tagsOf.get(id) ?? []).map((t) => ({ key: t.key, value: t.value })),
      aliases: (aliasesOf.get(id) ?? []).map((a) => ({ alias: a.alias, version: String(a.version) })),
    };
  });
}

/** Model versions with their tags and aliases, in the order of `rows` (read in chunks: SQLite binds at most 32766 values). */
export async function loadVersions(sql: SqlClient, rows: VersionRow[]): Promise<ModelVersion[]> {
  const out: ModelVersion[] = [];
  for (let i = 0; i < rows.length; i += 500) out.push(...(await loadVersionChunk(sql, rows.slice(i, i + 500))));
  return out;
}

async function loadVersionChunk(sql: SqlClient, rows: VersionRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  // (rm = ? AND version IN (...)) per model: portable, and it reads only the versions asked for.
  const byModel = new Map<number, number[]>();
  for (const r of rows) {
    const list = byModel.get(Number(r.rm)) ?? [];
    list.push(Number(r.version));
    byModel.set(Number(r.rm), list);
  }
  const where = [...byModel].map(([, versions]) => `(rm = ? AND version IN (${versions.map(() => '?').join(', ')}))`).join(' OR ');
  const params = [...byModel].flatMap(([rm, versions]) => [rm, ...versions]);
  const tagRows = await sql.all<{ rm: number; version: number; key: string; value: string }>(
    `SELECT rm, version, key, value FROM registry_version_tags WHERE ${where} ORDER BY key`,
    params,
  );
  const aliasRows = await sql.all<{ rm: number; version: number; alias: string }>(`SELECT rm, version, alias FROM registry_aliases WHERE ${where} ORDER BY alias`, params);
  const tags = groupBy(tagRows, (t) => `${t.rm}:${t.version}`);
  const aliases = groupBy(aliasRows, (a) => `${a.rm}:${a.version}`);
  return rows.map((r) => {
    const id = `${r.rm}:${r.version}`;
    return {
      name: r.name,
      version: String(r.version),
      creation_timestamp: Number(r.creation_timestamp),
      last_updated_timestamp: Number(r.last_updated_timestamp),
      ...(r.user_id ? { user_id: r.user_id } : {}),
      current_stage: r.current_stage as ModelVersionStage,
      ...(r.description !== null && r.description !== undefined ? { description: r.description } : {}),
      source: r.source,
      ...(r.run_id ? { run_id: r.run_id } : {}),
      ...(r.run_link ? { run_link: r.run_link } : {}),
      ...(r.model_id ? { model_id: r.model_id } : {}),
      status: 'READY' as const,
      ...(r.status_message ? { status_message: r.status_message } : {}),
      tags: (tags.get(id) ?? []).map((t) => ({ key: t.key, value: t.value })),
      aliases: (aliases.get(id) ?? []).map((a) => a.alias),
    };
  });
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
