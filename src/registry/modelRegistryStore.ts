import type { Page, PageRequest } from '../tracking/trackingStore.js';
import type { ModelVersion, ModelVersionStage, RegisteredModel, RegistryTag } from './registryEntities.js';

export interface SearchRegistryRequest extends PageRequest {
  /** MLflow's filter syntax (the shared grammar: `name LIKE 'cat%' and tags.team = 'vision'`, OR and parentheses too). */
  filter?: string;
  order_by?: string[];
}

export interface CreateModelVersionRequest {
  name: string;
  source: string;
  run_id?: string;
  run_link?: string;
  description?: string;
  tags?: RegistryTag[];
  model_id?: string;
  user_id?: string;
  /** Where the files really are when `source` is indirect (the artifact URI a `runs:/` source names). */
  storage_location?: string;
}

/**
 * The model registry: registered models, their numbered versions, tags, stages and aliases. The server's MLflow
 * routes speak only this interface, so the Git-tag registry (names and aliases as Git tags) can stand in for the
 * database one when the server is attached to a repository.
 * Errors: NOT_FOUND for a missing model, version or alias; CONFLICT for a name that exists; USAGE for bad input.
 */
export interface ModelRegistryStore {
  createRegisteredModel(input: { name: string; description?: string; tags?: RegistryTag[]; user_id?: string }): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel>;
  /** Deletes the model with all its versions, tags and aliases. */
  deleteRegisteredModel(name: string): Promise<void>;
  searchRegisteredModels(request: SearchRegistryRequest): Promise<Page<'registered_models', RegisteredModel>>;
  /** The highest version in each of `stages` (every stage when empty). */
  getLatestVersions(name: string, stages?: ModelVersionStage[]): Promise<ModelVersion[]>;
  setRegisteredModelTag(name: string, tag: RegistryTag): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  /** Points `alias` at `version`, moving it from the version it pointed at before. */
  setAlias(name: string, alias: string, version: string): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** Allocates the model's next version number atomically: concurrent creates never get the same one. */
  createModelVersion(input: CreateModelVersionRequest): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  updateModelVersion(name: string, version: string, description: string | undefined): Promise<ModelVersion>;
  /** Moves a version to a stage; with `archiveExisting`, the other versions in that stage go to Archived. */
  transitionModelVersionStage(input: { name: string; version: string; stage: ModelVersionStage; archiveExisting: boolean }): Promise<ModelVersion>;
  /** Deletes a version and the aliases pointing at it; its number is never given out again. */
  deleteModelVersion(name: string, version: string): Promise<void>;
  /** Where a version's files can be downloaded from: the resolved storage location, else its source. */
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;
  searchModelVersions(request: SearchRegistryRequest): Promise<Page<'model_versions', ModelVersion>>;
  setModelVersionTag(name: string, version: string, tag: RegistryTag): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;
}
