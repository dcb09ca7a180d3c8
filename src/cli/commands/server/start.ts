import os from 'node:os';
import path from 'node:path';
import { CairnError } from '../../../core/errors.js';
import { cairnVersion } from '../../../core/packagePaths.js';
import { openRepo, type Repo } from '../../../core/repo.js';
import { loadConfig } from '../../../core/config.js';
import type { SqlClient } from '../../../core/sql/sqlClient.js';
import { defaultTrackingPath } from '../../../tracking/openTrackingStore.js';
import { openSqlModelRegistryStore } from '../../../registry/db/sqlModelRegistryStore.js';
import { chooseRegistry } from './chooseRegistry.js';
import { ArtifactStore } from '../../../server/artifacts/artifactStore.js';
import { openArtifactDestination } from '../../../server/artifacts/openArtifactDestination.js';
import { TokenStore } from '../../../server/auth/tokenStore.js';
import { openBackend } from '../../../server/openBackend.js';
import { startServer } from '../../../server/startServer.js';
import type { ServerContext, ServerLogEntry } from '../../../server/serverContext.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { byteSize } from '../../byteSize.js';
import { positiveInt } from '../../positiveInt.js';

/** Where a started server listens and what it serves (printed by `cairn server` and `cairn ui`). */
export interface Listening {
  url: string;
  backend: string;
  artifacts: string;
  version: string;
  auth: boolean;
}

/** `cairn server [start]`: runs the server until the first interrupt, then shuts it down gracefully. */
export async function startCommand(ctx: CliContext, opts: Record<string, unknown>): Promise<CommandResult> {
  const listening = await serveUntilStopped(ctx, opts, (l) => {
    if (ctx.json) process.stdout.write(`${JSON.stringify(l)}\n`);
    else ctx.info(`cairn server ${l.version} listening on ${l.url} (runs in ${l.backend}, artifacts in ${l.artifacts}${l.auth ? '; tokens required' : ''}); Ctrl-C stops it`);
  });
  return { data: { ...listening, stopped: true }, summary: ['cairn server stopped'] };
}

/**
 * Opens the stores the options name, starts the server, tells `announce` where it listens, and runs until ctx.signal
 * aborts (Ctrl-C, SIGTERM); then in-flight requests finish and everything closes. Shared by `cairn server` and `cairn ui`.
 */
export async function serveUntilStopped(ctx: CliContext, opts: Record<string, unknown>, announce: (listening: Listening) => void | Promise<void>): Promise<Listening> {
  const host = String(opts.host ?? '127.0.0.1');
  const port = opts.port === '0' ? 0 : positiveInt(opts.port ?? '5000', '--port', 'cairn server --port 5000')!;
  if (port > 65535) throw new CairnError('USAGE', `--port must be at most 65535, not ${port}`);
  const bodyMb = positiveInt(opts.maxBodyMb ?? '64', '--max-body-mb', 'cairn server --max-body-mb 256')!;
  const maxUploadBytes = byteSize(opts.artifactsMaxUpload ?? '5GiB', '--artifacts-max-upload');
  const auth = authRequired({ host, auth: Boolean(opts.auth), insecure: Boolean(opts.insecure) });
  const repo = await repoOf(ctx);
  const uri = await backendUri(ctx, opts.backendStoreUri as string | undefined, repo);
  // The destination is opened first: a wrong URL or missing credentials fail before the database is touched.
  const remote = await openArtifactDestination({ destination: opts.artifactsDestination as string | undefined, repo, ctx });
  let backend;
  let artifacts;
  let registry;
  try {
    backend = await openBackend({ uri, cwd: ctx.cwd, user: ctx.env.USER });
    // The registry's migrations run now, on start, not on the first registry call.
    registry = (await chooseRegistry(opts.registry as string | undefined, repo, backend.tracking)) ?? (await openSqlModelRegistryStore(backend.sql));
    artifacts = await ArtifactStore.open({
      remote, sql: backend.sql, tracking: backend.tracking, maxUploadBytes,
      // Upload bodies are spooled beside the repository's cache when there is one (same disk, no quota surprise).
      spoolDir: repo ? path.join(repo.tmpDir, 'server-uploads') : path.join(os.tmpdir(), 'cairn-server-uploads'),
    });
  } catch (err) {
    await backend?.close();
    await remote.close();
    throw err;
  }
  const log = (entry: ServerLogEntry) => ctx.info(JSON.stringify({ time: new Date().toISOString(), ...entry }));
  // Clients' run artifacts uploaded by oid (PUT /api/cairn/v1/objects/:oid) land in the same destination, as the same objects.
  const serverCtx: ServerContext = { tracking: backend.tracking, sql: backend.sql, artifacts, objects: remote, registry, version: cairnVersion(), log, now: Date.now, repo };
  let running;
  try {
    if (auth) serverCtx.auth = { tokens: await tokensForAuth(backend.sql, { host, shownBackend: backend.tracking.displayUri, backendFlag: opts.backendStoreUri as string | undefined }) };
    running = await startServer(serverCtx, { host, port, bodyLimit: bodyMb * 1024 * 1024 });
  } catch (err) {
    await artifacts.close();
    await backend.close();
    throw err;
  }
  const listening: Listening = { url: running.url, backend: backend.tracking.displayUri, artifacts: artifacts.displayUrl, version: serverCtx.version, auth };
  try {
    await announce(listening);
    await new Promise<void>((resolve) => {
      if (ctx.signal?.aborted) return resolve();
      ctx.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await running.close();
    await artifacts.close();
    await backend.close();
  }
  return listening;
}
/** --backend-store-uri, else tracking.uri (when it is not a server), else the repository's store, else ./cairn.db. */
export async function backendUri(ctx: CliContext, flag: string | undefined, repo?: Repo | null): Promise<string> {
  if (flag !== undefined && flag.trim() !== '') return flag.trim();
  if (repo === undefined) repo = await repoOf(ctx);
  const config = repo ? repo.config : (await loadConfig({ cairnDir: null, env: ctx.env })).config;
  if (config.tracking.uri && !/^https?:/i.test(config.tracking.uri)) return config.tracking.uri;
  return repo ? defaultTrackingPath(repo.cairnDir) : 'cairn-server.db';
}

/**
 * Whether the server checks tokens: when asked (--auth), and always off loopback, since anyone who can reach the
 * address could otherwise read and write every run — unless --insecure says the network is trusted.
 */
export function authRequired(options: { host: string; auth: boolean; insecure: boolean }): boolean {
  return options.auth || (!isLoopback(options.host) && !options.insecure);
}

/** The token store of a server with auth on; refuses to start one nobody could call. */
async function tokensForAuth(sql: SqlClient, options: { host: string; shownBackend: string; backendFlag?: string }): Promise<TokenStore> {
  const { host, shownBackend, backendFlag } = options;
  const tokens = await TokenStore.open(sql);
  if ((await tokens.count()) === 0) {
    const flag = backendFlag ? ` --backend-store-uri ${backendFlag}` : '';
    throw new CairnError('USAGE', `${isLoopback(host) ? 'with --auth' : `listening on ${host}`} the server requires a token, and ${shownBackend} has none yet`, {
      hint: `create one first: cairn server token create --name admin --scope admin${flag}${isLoopback(host) ? '' : '\n(or, on a trusted network only, pass --insecure to run without authentication)'}`,
    });
  }
  return tokens;
}

/** The repository the command runs in, or null outside one. */
export async function repoOf(ctx: CliContext): Promise<Repo | null> {
  try {
    return await openRepo({ cwd: ctx.cwd, env: ctx.env });
  } catch (err) {
    if (err instanceof CairnError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** Loopback addresses: only this machine can connect. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
