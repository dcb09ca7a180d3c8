import { didYouMean } from '../../core/didYouMean.js';
import { CairnError } from '../../core/errors.js';
import { listTags } from '../../git/tags.js';
import { computeRegistryState, type ModelState, type VersionState } from './registryState.js';
import { modelTagGlobs } from './tagNames.js';

/** The registry of the Git repository at `cwd` (a working tree or a bare clone), from its tags. */
export async function readRegistry(cwd: string): Promise<Map<string, ModelState>> {
  return computeRegistryState(await listTags(cwd));
}

/** One model's state, or null when it has no tags. */
export async function readModel(cwd: string, name: string): Promise<ModelState | null> {
  return computeRegistryState(await listTags(cwd, modelTagGlobs(name))).get(name) ?? null;
}

/** One model's state; NOT_FOUND (with the closest name) when the registry does not have it. */
export async function requireModel(cwd: string, name: string): Promise<ModelState> {
  const model = await readModel(cwd, name);
  if (model && model.versions.length + model.events.length > 0) return model;
  const guess = didYouMean(name, [...(await readRegistry(cwd)).keys()]);
  throw new CairnError('NOT_FOUND', `no model "${name}" in the registry`, {
    hint: guess ? `did you mean "${guess}"? (\`cairn model show\` lists the models)` : 'register it with `cairn model register NAME --path PATH`, or fetch its tags with `git fetch --tags`',
    data: { model: name },
  });
}

/** A registered version of a model; NOT_FOUND naming the versions there are. */
export function requireVersion(model: ModelState, version: string): VersionState {
  const found = model.versions.find((v) => v.version === version);
  if (found) return found;
  throw new CairnError('NOT_FOUND', `model "${model.name}" has no version ${version}`, {
    hint: model.versions.length ? `its versions: ${model.versions.map((v) => v.version).join(', ')}` : 'it has no registered versions yet',
    data: { model: model.name, version },
  });
}
