import { CairnError } from '../../core/errors.js';
import { layoutMarkerText, parseLayoutMarker, type LayoutVersion } from '../../data/packs/cacheLayout.js';
import type { Remote, RemoteCallOptions } from '../remote.js';

/** A remote's layout marker lives in its metadata, `meta/LAYOUT`, with the same text as a cache's `LAYOUT` file. */
export const LAYOUT_META_KEY = 'LAYOUT';

/** The remote's layout: 1 without a marker (every remote written before layout 2). */
export async function readRemoteLayout(remote: Remote, options?: RemoteCallOptions): Promise<LayoutVersion> {
  const bytes = await remote.getMeta(LAYOUT_META_KEY, options);
  if (!bytes) return 1;
  const version = parseLayoutMarker(bytes.toString('utf8'));
  if (version === 1 || version === 2) return version;
  throw new CairnError('INVALID', `remote "${remote.name}" (${remote.displayUrl}) has an unknown layout (${JSON.stringify(bytes.toString('utf8').trim())})`, {
    hint: 'it was written by a newer cairn; upgrade cairn to use it',
  });
}

export async function writeRemoteLayout(remote: Remote, version: LayoutVersion, options?: RemoteCallOptions): Promise<void> {
  await remote.putMeta(LAYOUT_META_KEY, Buffer.from(layoutMarkerText(version)), options);
}
