import { CairnError } from '../../core/errors.js';
import { listTags } from '../../git/tags.js';
import { requireModel, requireVersion } from './readRegistry.js';
import { checkSemVer } from './semver.js';
import { checkModelName, deprecateTagName, deregisterTagName } from './tagNames.js';
import { GTO_MESSAGES } from './versionMessage.js';
import { writeCountedTag } from './writeCountedTag.js';

/**
 * `cairn model deprecate NAME [VERSION]`: a version gets GTO's deregistration tag `NAME@vX.Y.Z!#N` (it is no longer
 * the latest, and aliases on it lapse); the whole model gets `NAME@deprecated` (`#N` when that name is taken).
 */
export async function deprecateModel(options: { cwd: string; name: string; version?: string; push?: string }): Promise<{ name: string; version: string | null; tag: string; pushed: string | null }> {
  const { cwd, name } = options;
  checkModelName(name);
  if (options.version) checkSemVer(options.version, 'VERSION');
  const model = await requireModel(cwd, name);
  if (options.version) {
    const version = requireVersion(model, options.version);
    if (version.deprecated) throw new CairnError('CONFLICT', `version ${version.version} of "${name}" is deprecated already`, { hint: '`cairn model history NAME` shows when', data: { model: name, version: version.version } });
    const tag = await writeCountedTag(cwd, {
      model: name,
      name: (n) => deregisterTagName(name, version.version, n),
      commit: version.commit,
      message: GTO_MESSAGES.deregister(name, version.version),
      push: options.push,
    });
    return { name, version: version.version, tag, pushed: options.push ?? null };
  }
  if (model.deprecated) throw new CairnError('CONFLICT', `model "${name}" is deprecated already`, { hint: 'registering a new version makes it active again', data: { model: name } });
  const simpleTaken = (await listTags(cwd, [deprecateTagName(name)])).length > 0;
  // GTO puts the deprecation on the commit of the model's first event.
  const commit = model.events[0].commit;
  const tag = await writeCountedTag(cwd, {
    model: name,
    name: (n) => deprecateTagName(name, simpleTaken ? n : undefined),
    commit,
    message: GTO_MESSAGES.deprecate(name),
    push: options.push,
  });
  return { name, version: null, tag, pushed: options.push ?? null };
}
