import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import type { PathInfo } from './pathInfo.js';
import { scanPath } from './scanPath.js';

/** Hashes a workspace file or directory without storing anything; unchanged files come from the state index. */
export async function hashPath(repo: Repo, absPath: string, ctx?: Partial<RunContext>): Promise<PathInfo> {
  return (await scanPath(repo, absPath, { store: false, ctx, entries: false })).info;
}
