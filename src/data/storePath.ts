import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import type { PathInfo } from './pathInfo.js';
import { scanPath } from './scanPath.js';

/**
 * Stores a workspace file or directory in the cache (every blob, then the tree object), flushes the cache to disk,
 * and links the workspace copy per `cache.link`. When it returns, a pointer naming the result is safe to write.
 */
export async function storePath(repo: Repo, absPath: string, ctx?: Partial<RunContext>): Promise<PathInfo & { stored: number }> {
  return storePathUnflushed(repo, absPath, ctx, true);
}

/**
 * storePath for callers that store many paths and then flush the cache once (`flushCache`) before writing any
 * pointer: one `syncfs` per command instead of one per path.
 */
export async function storePathUnflushed(
  repo: Repo,
  absPath: string,
  ctx?: Partial<RunContext>,
  flush = false,
): Promise<PathInfo & { stored: number; looseWritten: string[] | null }> {
  const r = await scanPath(repo, absPath, { store: true, ctx, entries: false, flush });
  return { ...r.info, stored: r.stored, looseWritten: r.looseWritten };
}
