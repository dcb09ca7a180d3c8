import os from 'node:os';
import path from 'node:path';
import { CairnError } from '../../../core/errors.js';
import { cairnVersion } from '../../../core/packagePaths.js';
import { openRepo, type Repo } from '../../../core/repo.js';
import { loadConfig } from '../../../core/config.js';
import { defaultTrackingPath } from '../../../tracking/openTrackingStore.js';
import { openSqlModelRegistryStore } from '../../../registry/db/sqlModelRegistryStore.js';
import { ArtifactStore } from '../../../server/artifacts/artifactStore.js';
import { openArtifactDestination } from '../../../server/artifacts/openArtifactDestination.js';
import { openBackend } from '../../../server/openBackend.js';
import { startServer } from '../../../server/startServer.js';
import type { ServerContext, ServerLogEntry } from '../../../server/serverContext.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { byteSize } from '../../byteSize.js';
import { positiveInt } from '../../positiveInt.js';

/** Runs the server until the first interrupt, then shuts it down gracefully (in-flight requests finish). */
export async function startCommand(ctx: CliContext, opts: Record<string, unknown>): Promise<CommandResult> {
  const host = String(opts.host ?? '127.0.0.1');
  const port = opts.port === '0' ? 0 : positiveInt(opts.port ?? '5000', '--port', 'cairn server --port 5000')!;
  if (port > 65535) throw new CairnError('USAGE', `--port must be at most 65535, not ${port}`);
  if (!isLoopback(host) && !opts.insecure) {
    throw new CairnError('USAGE', `listening on ${host} would let anyone who can reach it read and write every run`, {
      hint: 'listen on 127.0.0.1 (the default) behind a proxy that authenticates, or pass --insecure on a trusted network',
    });
  }
  const maxUploadBytes = byteSize(opts.artifactsMaxUpload ?? '5GiB', '--artifacts-max-upload');
  const repo = await findRepo(ctx);
  const uri = await backendUri(ctx, repo, opts.backendStoreUri as string | undefined);
  // The destination is opened first: a wrong URL or missing credentials fail before the database is touched.
  const remote = await openArtifactDestination({ destination: opts.artifactsDestination as string | undefined, repo, ctx });
  let backend;
  let artifacts;
  let registry;
  try {
    backend = await openBackend({ uri, cwd: ctx.cwd, user: ctx.env.USER });
    // The registry's migrations run now, on start, not on the first registry call.
    registry = await openSqlModelRegistryStore(backend.sql);
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
  const serverCtx: ServerContext = { tracking: backend.tracking, sql: backend.sql, artifacts, registry, version: cairnVersion(), log, now: Date.now };
  let running;
  try {
    running = await startServer(serverCtx, { host, port });
  } catch (err) {
    await artifacts.close();
    await backend.close();
    throw err;
  }
  const listening = { url: running.url, backend: backend.tracking.displayUri, artifacts: artifacts.displayUrl, version: serverCtx.version };
  if (ctx.json) process.stdout.write(`${JSON.stringify(listening)}\n`);
  else ctx.info(`cairn server ${serverCtx.version} listening on ${running.url} (runs in ${listening.backend}, artifacts in ${listening.artifacts}); Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    if (ctx.signal?.aborted) return resolve();
    ctx.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await running.close();
  await artifacts.close();
  await backend.close();
  return { data: { ...listening, stopped: true }, summary: ['cairn server stopped'] };
}

/** The repository the server runs in, or null outside one. */
async function findRepo(ctx: CliContext): Promise<Repo | null> {
  try {
    return await openRepo({ cwd: ctx.cwd, env: ctx.env });
  } catch (err) {
    if (err instanceof CairnError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** --backend-store-uri, else tracking.uri (when it is not a server), else the repository's store, else ./cairn.db. */
async function backendUri(ctx: CliContext, repo: Repo | null, flag: string | undefined): Promise<string> {
  if (flag !== undefined && flag.trim() !== '') return flag.trim();
  const config = repo ? repo.config : (await loadConfig({ cairnDir: null, env: ctx.env })).config;
  if (config.tracking.uri && !/^https?:/i.test(config.tracking.uri)) return config.tracking.uri;
  return repo ? defaultTrackingPath(repo.cairnDir) : 'cairn-server.db';
}

/** Loopback addresses: only this machine can connect. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
