import { CairnError } from '../core/errors.js';
import { checkKey } from '../tracking/validate.js';
import { MODEL_VERSION_STAGES, REGISTRY_LIMITS, type ModelVersionStage, type RegistryTag } from './registryEntities.js';

/** Checks of registry input every registry backend applies (MLflow's rules), so bad input fails alike everywhere. */

export function checkModelName(name: unknown, field = 'name'): string {
  if (name === undefined || name === null || name === '') throw usage(`Missing value for required parameter '${field}'.`, field, 'registered models are named, e.g. {"name": "cats"}');
  if (typeof name !== 'string' || name.trim() === '') throw usage(`a registered model ${field} must be a non-empty string, not ${JSON.stringify(name)}`, field);
  if (name.length > REGISTRY_LIMITS.nameLength) throw usage(`registered model name "${name.slice(0, 40)}..." is longer than ${REGISTRY_LIMITS.nameLength} characters`, field);
  return name;
}

/** A version number as MLflow's clients send it ("3", or 3); returns the number. */
export function checkVersion(version: unknown): number {
  const text = typeof version === 'number' ? String(version) : version;
  // Any whole number is read, as MLflow's int() reads it ("01" is 1); 0 or a number past the last is then not found.
  if (typeof text !== 'string' || !/^[0-9]{1,15}$/.test(text.trim())) {
    throw usage(`Parameter 'version' must be an integer, got '${String(version)}'.`, 'version', 'model versions are numbered 1, 2, 3 ... per registered model');
  }
  return Number(text.trim());
}

/** MLflow's alias rules: letters, digits, _ and -; not `latest` and not a version name like `v3`, which `models:/` URIs reserve. */
export function checkAlias(alias: unknown): string {
  if (typeof alias !== 'string' || alias === '') throw usage('Registered model alias name cannot be empty.', 'alias');
  if (!/^[\w-]+$/.test(alias)) {
    throw usage(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`, 'alias');
  }
  if (alias.length > REGISTRY_LIMITS.aliasLength) throw usage(`'Registered model alias name' exceeds the maximum length of ${REGISTRY_LIMITS.aliasLength} characters`, 'alias');
  if (alias.toLowerCase() === 'latest') throw usage("'latest' alias name (case insensitive) is reserved.", 'alias', 'models:/NAME@latest always means the newest version');
  if (/^[vV]\d+$/.test(alias)) throw usage(`Version alias name '${alias}' is reserved.`, 'alias', 'models:/NAME@v3 means version 3; choose a name such as champion');
  return alias;
}

/** A stage name in any case (`production`), as MLflow's get_canonical_stage accepts it. */
export function checkStage(stage: unknown): ModelVersionStage {
  const found = typeof stage === 'string' ? MODEL_VERSION_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase()) : undefined;
  if (!found) throw usage(`Invalid Model Version stage: ${String(stage)}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`, 'stage');
  return found;
}

export function checkRegistryTag(tag: { key?: unknown; value?: unknown }): RegistryTag {
  const key = checkKey(tag.key, 'tag');
  if (typeof tag.value !== 'string') throw usage(`tag "${key}" has a value that is not a string`, 'value');
  if (tag.value.length > REGISTRY_LIMITS.tagValueLength) throw usage(`the value of tag "${key}" is longer than ${REGISTRY_LIMITS.tagValueLength} characters`, 'value');
  return { key, value: tag.value };
}

/** Tags of a create call: each checked, the last value of a repeated key wins (as MLflow stores them). */
export function checkRegistryTags(tags: Array<{ key?: unknown; value?: unknown }> | undefined): RegistryTag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags ?? []) {
    const t = checkRegistryTag(tag);
    byKey.set(t.key, t.value);
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}

function usage(message: string, field: string, hint?: string): CairnError {
  return new CairnError('USAGE', message, { ...(hint ? { hint } : {}), data: { field } });
}
