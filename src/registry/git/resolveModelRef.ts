import { CairnError } from '../../core/errors.js';
import { artifactAt } from './artifactAt.js';
import { requireModel, requireVersion } from './readRegistry.js';
import { checkSemVer } from './semver.js';
import { checkAliasName, checkModelName } from './tagNames.js';
import type { VersionMetadata } from './versionMessage.js';

/** What a model reference names: `NAME` (its latest version), `NAME@vX.Y.Z` or `NAME@latest`, `NAME#ALIAS`. */
export interface ModelRefSpec {
  name: string;
  version?: string;
  alias?: string;
}

export interface ResolvedModelRef {
  name: string;
  version: string;
  commit: string;
  /** The version's tag (`NAME@vX.Y.Z`), a valid Git revision. */
  tag: string;
  /** The model's path at that commit (from the tag's metadata, else the `artifacts:` entry), or null when unknown. */
  path: string | null;
  metadata: VersionMetadata | null;
  /** The alias the reference went through, if any. */
  alias?: string;
  deprecated: boolean;
}

/** Splits a reference as GTO's shortcuts do (the name may hold `:` and `/`). Pure. */
export function parseModelRef(ref: string): ModelRefSpec {
  const hash = ref.indexOf('#');
  if (hash >= 0) return { name: checkModelName(ref.slice(0, hash)), alias: checkAliasName(ref.slice(hash + 1)) };
  const at = ref.lastIndexOf('@');
  if (at < 0) return { name: checkModelName(ref) };
  const version = ref.slice(at + 1);
  const name = checkModelName(ref.slice(0, at));
  return version === 'latest' || version === 'greatest' ? { name } : { name, version: checkSemVer(version, ref) };
}

/**
 * Resolves `NAME`, `NAME@vX.Y.Z` or `NAME#ALIAS` in the Git repository at `cwd` (a working tree or a bare clone) to
 * the version, its commit, tag, path and metadata. NOT_FOUND for an unknown model, version or alias.
 */
export async function resolveModelRef(cwd: string, ref: string): Promise<ResolvedModelRef> {
  const spec = parseModelRef(ref);
  const model = await requireModel(cwd, spec.name);
  let version: string;
  if (spec.alias) {
    const alias = model.aliases.find((a) => a.alias === spec.alias);
    if (!alias) {
      throw new CairnError('NOT_FOUND', `alias "${spec.alias}" of model "${spec.name}" points at no version`, {
        hint: model.aliases.length ? `its aliases: ${model.aliases.map((a) => a.alias).join(', ')}` : `promote one with \`cairn model promote ${spec.name} VERSION --to ${spec.alias}\``,
        data: { model: spec.name, alias: spec.alias },
      });
    }
    version = alias.version;
  } else if (spec.version) {
    version = spec.version;
  } else {
    if (!model.latest) {
      throw new CairnError('NOT_FOUND', `model "${spec.name}" has no version that is not deprecated`, { hint: `register one with \`cairn model register ${spec.name}\``, data: { model: spec.name } });
    }
    version = model.latest;
  }
  const found = requireVersion(model, version);
  const path = found.metadata?.path ?? (await artifactAt(cwd, found.commit, spec.name))?.path ?? null;
  return {
    name: spec.name,
    version,
    commit: found.commit,
    tag: found.tag,
    path,
    metadata: found.metadata,
    ...(spec.alias ? { alias: spec.alias } : {}),
    deprecated: found.deprecated,
  };
}
