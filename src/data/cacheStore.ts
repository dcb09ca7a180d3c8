import type { Repo } from '../core/repo.js';
import { ObjectStore } from './objectStore.js';
import { newCacheLayout } from './packs/cacheLayout.js';

/** The repository's cache as an object store that, when it does not exist yet, is created in the configured layout. */
export function cacheStore(repo: Repo): ObjectStore {
  return new ObjectStore(repo.cacheDir, { newLayout: newCacheLayout(repo.config.cache) });
}
