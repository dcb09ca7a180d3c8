import { CairnError } from '../../core/errors.js';
import { requireModel } from './readRegistry.js';
import { checkAliasName, checkModelName, unassignTagName } from './tagNames.js';
import { GTO_MESSAGES } from './versionMessage.js';
import { writeCountedTag } from './writeCountedTag.js';

/** `cairn model demote NAME --from ALIAS`: a `NAME#ALIAS!#N` tag on the version the alias points at, so it points at none. */
export async function demoteAlias(options: { cwd: string; name: string; alias: string; push?: string }): Promise<{ name: string; alias: string; version: string; tag: string; pushed: string | null }> {
  const { cwd, name, alias } = options;
  checkModelName(name);
  checkAliasName(alias);
  const model = await requireModel(cwd, name);
  const current = model.aliases.find((a) => a.alias === alias);
  if (!current) {
    throw new CairnError('NOT_FOUND', `alias "${alias}" of "${name}" points at no version`, {
      hint: model.aliases.length ? `its aliases: ${model.aliases.map((a) => a.alias).join(', ')}` : 'the model has no aliases',
      data: { model: name, alias },
    });
  }
  const tag = await writeCountedTag(cwd, {
    model: name,
    name: (n) => unassignTagName(name, alias, n),
    commit: current.commit,
    message: GTO_MESSAGES.unassign(name, alias, current.version),
    push: options.push,
  });
  return { name, alias, version: current.version, tag, pushed: options.push ?? null };
}
