import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { withPacks } from './packs/withPacks.js';
import type { Remote } from './remote.js';
import { localRemotePath, remoteScheme, resolveRemote, validateRemoteUrl, type RemoteSpec } from './remoteConfig.js';

/** A remote's options from config (everything under `remote.<name>` except `url`). */
export type RemoteOptions = Record<string, string | number | boolean>;

/**
 * Opens one backend. `url` is the configured URL, except for local remotes where it is the absolute directory.
 * Backends take the environment (AWS_*, SSH_AUTH_SOCK...) from `ctx.env`, never from process.env.
 */
export type RemoteFactory = (name: string, url: string, options: RemoteOptions, ctx: RunContext) => Promise<Remote>;

/**
 * URL scheme → backend. Each backend is imported only when used, so a local push never loads the AWS SDK.
 * Backends in other files register here with an additive entry.
 */
export const REMOTE_FACTORIES: Record<string, RemoteFactory> = {
  file: async (name, url, options, ctx) => (await import('./localRemote.js')).openLocalRemote(name, url, options, ctx),
  s3: async (name, url, options, ctx) => (await import('./s3Remote.js')).openS3Remote(name, url, options, ctx),
  ssh: async (name, url, options, ctx) => (await import('./sftpRemote.js')).openSftpRemote(name, url, options, ctx),
  webdav: async (name, url, options, ctx) => (await import('./webdavRemote.js')).openWebdavRemote(name, url, options, ctx),
  webdavs: async (name, url, options, ctx) => (await import('./webdavRemote.js')).openWebdavRemote(name, url, options, ctx),
  http: async (name, url, options, ctx) => (await import('./httpRemote.js')).openHttpRemote(name, url, options, ctx),
  https: async (name, url, options, ctx) => (await import('./httpRemote.js')).openHttpRemote(name, url, options, ctx),
};

/** Opens a remote from its settings; `root` resolves relative directory paths (the repo root). */
export async function openRemoteSpec(spec: RemoteSpec, root: string, ctx: RunContext): Promise<Remote> {
  validateRemoteUrl(spec.url);
  const scheme = remoteScheme(spec.url);
  const factory = REMOTE_FACTORIES[scheme];
  if (!factory) {
    throw new CairnError('USAGE', `remote "${spec.name}" uses ${scheme}://, which this build of cairn cannot open`, {
      hint: `supported here: ${Object.keys(REMOTE_FACTORIES).map((s) => (s === 'file' ? 'directory paths' : `${s}://`)).join(', ')}`,
    });
  }
  const url = scheme === 'file' ? localRemotePath(spec.url, root) : spec.url;
  return factory(spec.name, url, spec.options, ctx);
}

/** Opens the named remote of a repo (or its default remote). */
export async function openRemote(repo: Repo, name: string | undefined, ctx: RunContext): Promise<Remote> {
  const remote = await openRemoteSpec(resolveRemote(repo, name), repo.root, ctx);
  // Layout 2 remotes hold packs: wrapped here, every command sees their packed objects (src/remote/packs/).
  try {
    return await withPacks(remote, repo.cacheDir, { signal: ctx.signal });
  } catch (err) {
    await remote.close();
    throw err;
  }
}
