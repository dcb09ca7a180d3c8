import { CairnError } from '../../core/errors.js';
import { createAnnotatedTag, listTags } from '../../git/tags.js';
import { parseTagName } from './tagNames.js';
import { formatVersionMessage, messageSubject, parseVersionMetadata, type VersionMetadata } from './versionMessage.js';

/**
 * Rewrites the metadata of a version tag in place: the same name, commit, tagger and date, a new message (for
 * example `cairn verify --record` adding its result). A remote that has the tag needs a forced push of it afterwards.
 */
export async function updateVersionMetadata(
  cwd: string,
  tag: string,
  update: (metadata: VersionMetadata) => VersionMetadata,
): Promise<VersionMetadata> {
  const parsed = parseTagName(tag);
  if (!parsed || parsed.action !== 'register') {
    throw new CairnError('USAGE', `${tag} is not a version tag (NAME@vX.Y.Z)`, { hint: 'give the tag of a registered version, e.g. churn@v1.0.0', data: { tag } });
  }
  const info = (await listTags(cwd, [tag])).find((t) => t.name === tag);
  if (!info || !info.annotated) {
    throw new CairnError('NOT_FOUND', `no annotated tag ${tag} in this repository`, { hint: 'fetch it with `git fetch --tags`, or register the version first', data: { tag } });
  }
  const before = parseVersionMetadata(info.message, tag) ?? {};
  const after = update(structuredClone(before));
  const subject = messageSubject(info.message) || `Registering artifact ${parsed.model} version ${parsed.version}`;
  await createAnnotatedTag(cwd, {
    name: tag,
    commit: info.commit,
    message: formatVersionMessage(subject, after),
    force: true,
    tagger: { name: info.tagger, email: info.taggerEmail, time: info.time },
  });
  return after;
}
