import path from 'node:path';
import type { RunContext } from '../../core/context.js';
import type { Repo } from '../../core/repo.js';
import { openLocalRemote } from '../../remote/localRemote.js';
import { openRemote, openRemoteSpec } from '../../remote/openRemote.js';
import type { Remote } from '../../remote/remote.js';
import { listRemotes } from '../../remote/remoteConfig.js';

/** The folder artifacts go to outside a repository when no destination is given (relative to the working folder). */
export const DEFAULT_ARTIFACTS_DIR = 'cairn-artifacts';

/**
 * The remote a server keeps artifact bytes on: `--artifacts-destination` as a remote URL (a folder, s3://, ssh://,
 * webdav://, http://) or the name of one of the repository's remotes (with its options and credentials); without it,
 * the repository's cache, which shares the `objects/<2>/<62>` layout, so runs logged locally are served at once;
 * outside a repository, `./cairn-artifacts`.
 */
export async function openArtifactDestination(options: { destination?: string; repo: Repo | null; ctx: RunContext }): Promise<Remote> {
  const { destination, repo, ctx } = options;
  if (destination !== undefined && destination.trim() !== '') {
    const wanted = destination.trim();
    if (repo && listRemotes(repo).some((r) => r.name === wanted)) return openRemote(repo, wanted, ctx);
    return openRemoteSpec({ name: 'artifacts', url: wanted, options: {} }, ctx.cwd, ctx);
  }
  if (repo) return openLocalRemote('cache', repo.cacheDir, {}, ctx);
  return openLocalRemote('artifacts', path.resolve(ctx.cwd, DEFAULT_ARTIFACTS_DIR), {}, ctx);
}
