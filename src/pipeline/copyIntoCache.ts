import path from 'node:path';
import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import { ObjectStore } from '../data/objectStore.js';
import { scanPath } from '../data/scanPath.js';
import { treeOid } from '../data/tree.js';

/**
 * Copies an uncached output (`cache: false`, e.g. metrics.json kept in Git) into the cache without touching the
 * workspace copy, so the run cache can bring it back; DVC copies such outputs into its run cache for the same
 * reason. Returns the oid of the file or of the folder's tree.
 */
export async function copyIntoCache(repo: Repo, abs: string, ctx?: Partial<RunContext>): Promise<string> {
  const scan = await scanPath(repo, abs, { store: false, ctx, entries: true });
  const store = new ObjectStore(repo.cacheDir);
  if (scan.info.kind === 'file') {
    await store.putFile(abs, scan.info.oid);
    return scan.info.oid;
  }
  for (const e of scan.entries) await store.putFile(path.join(abs, e.path), e.oid);
  const tree = treeOid(scan.entries);
  await store.putBuffer(tree.bytes);
  return tree.oid;
}

/** The repository as seen by a restore that must write plain files (no links into the read-only cache). Pure. */
export function withCopyLinks(repo: Repo): Repo {
  const link = repo.config.cache.link.filter((m) => m === 'reflink' || m === 'copy');
  return { ...repo, config: { ...repo.config, cache: { ...repo.config.cache, link: link.includes('copy') ? link : [...link, 'copy'] } } };
}
