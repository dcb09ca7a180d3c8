import { readLayout } from '../../data/packs/cacheLayout.js';
import type { Remote, RemoteCallOptions } from '../remote.js';
import { PackedRemote } from './packedRemote.js';
import { readRemoteLayout, writeRemoteLayout } from './remoteLayout.js';

/** The remote as its layout says: a layout 2 remote comes wrapped so every caller sees its packed objects. */
export async function withPacks(remote: Remote, cacheDir: string, options?: RemoteCallOptions): Promise<Remote> {
  if (remote instanceof PackedRemote) return remote;
  return (await readRemoteLayout(remote, options)) === 2 ? new PackedRemote(remote, cacheDir) : remote;
}

/**
 * Before a push: an empty, writable remote takes the layout of a layout 2 cache (its marker is written first), so a
 * new remote of a layout 2 repository holds packs from the first push. A remote with content keeps its layout
 * (`cairn cache migrate --remote` converts one).
 */
export async function adoptCacheLayout(remote: Remote, cacheDir: string, options?: RemoteCallOptions): Promise<Remote> {
  if (remote instanceof PackedRemote || remote.readOnly || readLayout(cacheDir) !== 2) return remote;
  for await (const _oid of remote.list(options)) return remote;
  if ((await remote.listPacks(options)).length) return remote;
  await writeRemoteLayout(remote, 2, options);
  return new PackedRemote(remote, cacheDir);
}

/** The backend under a pack-aware wrapper (for backend-specific fast paths). */
export function backendOf(remote: Remote): Remote {
  return remote instanceof PackedRemote ? remote.inner : remote;
}
