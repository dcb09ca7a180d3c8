import { CairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { isSafeRelPath } from '../../data/tree.js';
import { compareSubjects, evaluateFilter, parseFilter, parseOrderBy, type FilterNode, type FilterSubject, type OrderBy } from '../../tracking/filter/index.js';
import { decodePageToken, encodePageToken, pageSize } from '../../tracking/pageToken.js';
import type { Run } from '../../tracking/entities.js';
import type { Page } from '../../tracking/trackingStore.js';
import type { CreateModelVersionRequest, ModelRegistryStore, SearchRegistryRequest } from '../modelRegistryStore.js';
import { REGISTRY_LIMITS, type ModelVersion, type ModelVersionStage, type RegisteredModel, type RegistryTag } from '../registryEntities.js';
import { checkAlias, checkModelName as checkMlflowName, checkRegistryTag, checkStage, checkVersion } from '../validateRegistry.js';
import { artifactAt } from './artifactAt.js';
import { demoteAlias } from './demoteAlias.js';
import { deprecateModel } from './deprecateModel.js';
import { promoteVersion } from './promoteVersion.js';
import { readRegistry } from './readRegistry.js';
import { registerVersion } from './registerVersion.js';
import type { ModelState, VersionState } from './registryState.js';
import { checkAliasName, checkModelName } from './tagNames.js';
import { updateVersionMetadata } from './updateVersionMetadata.js';

/**
 * The MLflow registry routes over the Git-tag registry of the repository the server is attached to (docs/server.md):
 * - MLflow's version N is the model's Nth registered SemVer version, lowest first; a new version is the highest
 *   bumped by a patch, tagged on the repository's HEAD, with the path its `artifacts:` entry (or the source) names.
 * - Aliases are `NAME#ALIAS#N` tags; the stages Staging and Production are the aliases `staging` and `production`.
 * - Deleting a version deprecates it (`NAME@vX.Y.Z!#N`) and deleting a model deprecates it (`NAME@deprecated`):
 *   Git history keeps them, MLflow no longer sees them, and version numbers never move.
 * - A version's description and tags live in its tag's metadata (the tag is rewritten in place).
 * - What tags cannot hold (renaming, model descriptions and tags, the Archived stage) is a USAGE error.
 */
export class GitTagRegistryStore implements ModelRegistryStore {
  /** Models created through MLflow that have no version yet (a model exists in Git only through its tags). */
  private readonly pending = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  private readonly now: () => number;
  /** The server's runs: a version created with a run_id keeps that run's metrics and params (what gates read). */
  private readonly getRun?: (runId: string) => Promise<Run>;

  constructor(private readonly repo: Repo, options: { now?: () => number; getRun?: (runId: string) => Promise<Run> } = {}) {
    this.now = options.now ?? Date.now;
    this.getRun = options.getRun;
  }

  /** Writes run one at a time: each reads the tags the one before it wrote. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async models(): Promise<Map<string, ModelState>> {
    const all = await readRegistry(this.repo.root);
    return new Map([...all].filter(([, m]) => !m.deprecated && m.versions.length > 0));
  }

  private async model(name: string): Promise<ModelState | null> {
    checkMlflowName(name);
    return (await this.models()).get(name) ?? null;
  }

  private async requireModel(name: string): Promise<ModelState> {
    const m = await this.model(name);
    if (!m) throw new CairnError('NOT_FOUND', `Registered Model with name=${name} not found`, { data: { name } });
    return m;
  }

  private static requireVersion(m: ModelState, version: unknown): { v: VersionState; number: number } {
    const number = checkVersion(version);
    const v = m.versions[number - 1];
    if (!v || v.deprecated) throw new CairnError('NOT_FOUND', `Model Version (name=${m.name}, version=${number}) not found`, { data: { name: m.name, version: String(number) } });
    return { v, number };
  }

  private toVersion(m: ModelState, v: VersionState): ModelVersion {
    const meta = v.metadata ?? {};
    const touched = m.events.filter((e) => e.commit === v.commit).map((e) => e.time);
    const tags = (meta.mlflow_tags ?? {}) as Record<string, string>;
    return {
      name: m.name,
      version: String(m.versions.indexOf(v) + 1),
      creation_timestamp: v.time,
      last_updated_timestamp: Math.max(v.time, ...touched),
      user_id: v.author,
      current_stage: v.aliases.includes('production') ? 'Production' : v.aliases.includes('staging') ? 'Staging' : 'None',
      ...(meta.desc ? { description: meta.desc } : {}),
      source: typeof meta.mlflow_source === 'string' ? meta.mlflow_source : `${v.tag}:${meta.path ?? ''}`,
      ...(meta.run_id ? { run_id: meta.run_id } : {}),
      status: 'READY',
      tags: Object.keys(tags).sort().map((key) => ({ key, value: tags[key] })),
      aliases: [...v.aliases],
    };
  }

  private toModel(m: ModelState): RegisteredModel {
    const versions = m.versions.filter((v) => !v.deprecated).map((v) => this.toVersion(m, v));
    const latest = new Map<ModelVersionStage, ModelVersion>();
    for (const v of versions) latest.set(v.current_stage, v);
    return {
      name: m.name,
      creation_timestamp: m.events[0].time,
      last_updated_timestamp: m.events[m.events.length - 1].time,
      latest_versions: [...latest.values()].sort((a, b) => Number(a.version) - Number(b.version)),
      tags: [],
      aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(m.versions.findIndex((v) => v.version === a.version) + 1) })),
    };
  }

  private static unsupported(what: string, hint: string): CairnError {
    return new CairnError('USAGE', `${what} cannot be kept in Git tags: this server's registry is the repository's Git-tag registry`, { hint });
  }

  async createRegisteredModel(input: { name: string; description?: string; tags?: RegistryTag[] }): Promise<RegisteredModel> {
    checkMlflowName(input.name);
    checkModelName(input.name);
    if (input.description || input.tags?.length) throw GitTagRegistryStore.unsupported('a registered model\'s description and tags', 'give them to the versions, or declare desc and labels under artifacts: in cairn.yaml');
    if (this.pending.has(input.name) || (await this.model(input.name))) {
      throw new CairnError('CONFLICT', `Registered Model (name=${input.name}) already exists.`, { data: { name: input.name } });
    }
    const at = this.now();
    this.pending.set(input.name, at);
    return { name: input.name, creation_timestamp: at, last_updated_timestamp: at, latest_versions: [], tags: [], aliases: [] };
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const m = await this.model(name);
    if (m) return this.toModel(m);
    const at = this.pending.get(name);
    if (at !== undefined) return { name, creation_timestamp: at, last_updated_timestamp: at, latest_versions: [], tags: [], aliases: [] };
    return this.toModel(await this.requireModel(name));
  }

  async renameRegisteredModel(): Promise<RegisteredModel> {
    throw GitTagRegistryStore.unsupported('renaming a model', 'its tags are its history: register the versions under the new name with `cairn model register`');
  }

  async updateRegisteredModel(): Promise<RegisteredModel> {
    throw GitTagRegistryStore.unsupported("a registered model's description", 'declare it as desc under artifacts: in cairn.yaml');
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.serial(async () => {
      if (this.pending.delete(name)) return;
      await this.requireModel(name);
      await deprecateModel({ cwd: this.repo.root, name });
    });
  }

  async searchRegisteredModels(request: SearchRegistryRequest): Promise<Page<'registered_models', RegisteredModel>> {
    const size = pageSize(request.max_results, REGISTRY_LIMITS.searchModels);
    const node = parseFilter(request.filter ?? '', 'registered_models');
    const order = orderClauses(request.order_by, 'registered_models', [{ entity: 'attribute', key: 'name', ascending: true }]);
    const rows = [...(await this.models()).values()].map((m) => this.toModel(m)).map((m) => ({ m, s: { attributes: { name: m.name, creation_timestamp: m.creation_timestamp, last_updated_timestamp: m.last_updated_timestamp }, tags: {} } as FilterSubject }));
    return pageOf('registered_models', rows.map((r) => ({ item: r.m, s: r.s })), node, order, request, size);
  }

  async getLatestVersions(name: string, stages: ModelVersionStage[] = []): Promise<ModelVersion[]> {
    const wanted = stages.map(checkStage);
    const latest = this.toModel(await this.requireModel(name)).latest_versions;
    return wanted.length ? latest.filter((v) => wanted.includes(v.current_stage)) : latest;
  }

  async setRegisteredModelTag(): Promise<void> {
    throw GitTagRegistryStore.unsupported("a registered model's tags", 'set tags on its versions, or labels under artifacts: in cairn.yaml');
  }

  async deleteRegisteredModelTag(): Promise<void> {
    throw GitTagRegistryStore.unsupported("a registered model's tags", 'set tags on its versions instead');
  }

  setAlias(name: string, alias: string, version: string): Promise<void> {
    return this.serial(async () => {
      checkAlias(alias);
      checkAliasName(alias);
      const m = await this.requireModel(name);
      const { v } = GitTagRegistryStore.requireVersion(m, version);
      if (v.aliases.includes(alias)) return;
      await promoteVersion({ cwd: this.repo.root, name, version: v.version, alias });
    });
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return this.serial(async () => {
      const m = await this.requireModel(name);
      if (!m.aliases.some((a) => a.alias === alias)) return;
      await demoteAlias({ cwd: this.repo.root, name, alias });
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const m = await this.requireModel(name);
    const a = m.aliases.find((x) => x.alias === alias);
    const v = a && m.versions.find((x) => x.version === a.version);
    if (!v) throw new CairnError('NOT_FOUND', `Registered model alias ${alias} not found.`, { data: { name, alias } });
    return this.toVersion(m, v);
  }

  createModelVersion(input: CreateModelVersionRequest): Promise<ModelVersion> {
    return this.serial(async () => {
      checkMlflowName(input.name);
      if (!input.source) throw new CairnError('USAGE', "Missing value for required parameter 'source'.", { data: { field: 'source' } });
      if (!this.pending.has(input.name) && !(await this.model(input.name))) await this.requireModel(input.name);
      const head = 'HEAD';
      const declared = await artifactAt(this.repo.root, head, input.name).catch(() => null);
      const path = declared?.path ?? (isSafeRelPath(input.source) ? input.source : null);
      if (!path) {
        throw new CairnError('USAGE', `the Git-tag registry versions files of the repository, and "${input.source}" is not one`, {
          hint: `declare the model in cairn.yaml (artifacts: {${input.name}: {path: ...}}), or give a repository path as the source`,
        });
      }
      const tags = Object.fromEntries((input.tags ?? []).map((t) => [checkRegistryTag(t).key, t.value]));
      const run = input.run_id && this.getRun ? await this.getRun(input.run_id).catch(() => undefined) : undefined;
      const r = await registerVersion({
        repo: this.repo,
        name: input.name,
        path,
        run,
        desc: input.description,
        extra: { mlflow_source: input.source, ...(input.run_id ? { run_id: input.run_id } : {}), ...(Object.keys(tags).length ? { mlflow_tags: tags } : {}) },
      });
      this.pending.delete(input.name);
      const m = await this.requireModel(input.name);
      return this.toVersion(m, m.versions.find((v) => v.version === r.version)!);
    });
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const m = await this.requireModel(name);
    return this.toVersion(m, GitTagRegistryStore.requireVersion(m, version).v);
  }

  updateModelVersion(name: string, version: string, description: string | undefined): Promise<ModelVersion> {
    return this.serial(async () => {
      const m = await this.requireModel(name);
      const { v } = GitTagRegistryStore.requireVersion(m, version);
      await updateVersionMetadata(this.repo.root, v.tag, (meta) => ({ ...meta, desc: description }));
      return this.getModelVersion(name, version);
    });
  }

  transitionModelVersionStage(input: { name: string; version: string; stage: ModelVersionStage; archiveExisting: boolean }): Promise<ModelVersion> {
    return this.serial(async () => {
      const stage = checkStage(input.stage);
      const m = await this.requireModel(input.name);
      const { v } = GitTagRegistryStore.requireVersion(m, input.version);
      if (stage === 'Archived') throw GitTagRegistryStore.unsupported('the Archived stage', 'delete the version (it is deprecated in Git), or move it to None');
      // One alias names one version, so the other versions in that stage always leave it (archive_existing or not).
      for (const alias of ['staging', 'production']) {
        const holds = v.aliases.includes(alias);
        if (holds && stage.toLowerCase() !== alias) await demoteAlias({ cwd: this.repo.root, name: input.name, alias });
        if (!holds && stage.toLowerCase() === alias) await promoteVersion({ cwd: this.repo.root, name: input.name, version: v.version, alias });
      }
      return this.getModelVersion(input.name, input.version);
    });
  }

  deleteModelVersion(name: string, version: string): Promise<void> {
    return this.serial(async () => {
      const m = await this.requireModel(name);
      const { v } = GitTagRegistryStore.requireVersion(m, version);
      await deprecateModel({ cwd: this.repo.root, name, version: v.version });
    });
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    return (await this.getModelVersion(name, version)).source;
  }

  async searchModelVersions(request: SearchRegistryRequest): Promise<Page<'model_versions', ModelVersion>> {
    const size = pageSize(request.max_results, REGISTRY_LIMITS.searchVersions);
    const node = parseFilter(request.filter ?? '', 'model_versions');
    const order = orderClauses(request.order_by, 'model_versions', [
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
      { entity: 'attribute', key: 'name', ascending: true },
      { entity: 'attribute', key: 'version_number', ascending: false },
    ]);
    const rows = [...(await this.models()).values()].flatMap((m) => m.versions.filter((v) => !v.deprecated).map((v) => this.toVersion(m, v))).map((v) => ({
      v,
      s: {
        attributes: { name: v.name, version_number: Number(v.version), run_id: v.run_id ?? null, source_path: v.source, current_stage: v.current_stage, user_id: v.user_id ?? null, creation_timestamp: v.creation_timestamp, last_updated_timestamp: v.last_updated_timestamp },
        tags: Object.fromEntries(v.tags.map((t) => [t.key, t.value])),
      } as FilterSubject,
    }));
    return pageOf('model_versions', rows.map((r) => ({ item: r.v, s: r.s })), node, order, request, size);
  }

  setModelVersionTag(name: string, version: string, tag: RegistryTag): Promise<void> {
    return this.serial(async () => {
      const t = checkRegistryTag(tag);
      const m = await this.requireModel(name);
      const { v } = GitTagRegistryStore.requireVersion(m, version);
      await updateVersionMetadata(this.repo.root, v.tag, (meta) => ({ ...meta, mlflow_tags: { ...(meta.mlflow_tags as object), [t.key]: t.value } }));
    });
  }

  deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    return this.serial(async () => {
      const m = await this.requireModel(name);
      const { v } = GitTagRegistryStore.requireVersion(m, version);
      await updateVersionMetadata(this.repo.root, v.tag, (meta) => {
        const tags = { ...(meta.mlflow_tags as Record<string, string>) };
        delete tags[key];
        return { ...meta, mlflow_tags: Object.keys(tags).length ? tags : undefined };
      });
    });
  }
}

/** One page of a search: the rows the filter keeps, in order, from the page token's offset. */
function pageOf<K extends string, T>(key: K, rows: Array<{ item: T; s: FilterSubject }>, node: FilterNode | null, order: OrderBy[], request: SearchRegistryRequest, size: number): Page<K, T> {
  const compare = compareSubjects(order);
  const found = rows.filter((r) => evaluateFilter(node, r.s)).sort((a, b) => compare(a.s, b.s));
  const query = JSON.stringify([request.filter ?? '', request.order_by ?? []]);
  const start = decodePageToken(request.page_token, query);
  const more = start + size < found.length ? { next_page_token: encodePageToken(start + size, query) } : {};
  return { [key]: found.slice(start, start + size).map((r) => r.item), ...more } as Page<K, T>;
}

/** The order of a search: the clauses asked for, else the default; then the default's keys as tie-breakers. */
function orderClauses(orderBy: string[] | undefined, target: 'registered_models' | 'model_versions', defaults: OrderBy[]): OrderBy[] {
  const asked = (orderBy ?? []).map((o) => parseOrderBy(o, target));
  const seen = new Set<string>();
  for (const c of asked) {
    const id = `${c.entity}.${c.key}`;
    if (seen.has(id)) throw new CairnError('USAGE', `order_by names ${c.key} twice`, { hint: 'name each key once' });
    seen.add(id);
  }
  const base = asked.length ? asked : defaults;
  return [...base, ...defaults.filter((d) => !base.some((c) => c.entity === d.entity && c.key === d.key))];
}
