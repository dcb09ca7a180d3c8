/**
 * An in-process cairn server for tests: over a temp SQLite store (or the backend URI given), listening on
 * 127.0.0.1 on a free port, closed after the test. `app.inject` makes calls without a socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Remote } from '../../src/remote/remote.js';
import { ArtifactStore } from '../../src/server/artifacts/artifactStore.js';
import { openLocalRemote } from '../../src/remote/localRemote.js';
import { openBackend, type Backend } from '../../src/server/openBackend.js';
import type { ServerContext, ServerLogEntry } from '../../src/server/serverContext.js';
import { startServer } from '../../src/server/startServer.js';

export interface TestServer {
  /** http://127.0.0.1:port/ */
  url: string;
  app: FastifyInstance;
  ctx: ServerContext;
  backend: Backend;
  /** Every log entry the server wrote. */
  logs: ServerLogEntry[];
  /** A temp folder of the test's own, removed after it. */
  dir: string;
  /** JSON call on the MLflow API (`api('experiments/create', {name})`): POST unless `method` says otherwise. */
  api(route: string, body?: Record<string, unknown>, method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** A backend URI (postgresql://...); default: a SQLite file in the test's temp folder. */
  backendUri?: string;
  /** The artifact store's remote; default: a folder `artifacts/` in the test's temp folder. */
  artifactsRemote?: (dir: string) => Promise<Remote>;
  /** The artifact store's largest upload (default 5 GiB). */
  maxUploadBytes?: number;
  /** The artifact store's clock (default Date.now). */
  now?: () => number;
  /** Changes the context before the server starts (extra stores, a clock). */
  configure?: (ctx: ServerContext, dir: string) => void | Promise<void>;
  /** More routes (probes), added before the server listens. */
  extend?: (app: FastifyInstance) => void;
  /** The largest request body in bytes (default: createServer's). */
  bodyLimit?: number;
}

export async function startTestServer(t: TestContext, options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-server-'));
  const backend = await openBackend({ uri: options.backendUri ?? `sqlite://${path.join(dir, 'tracking.db')}`, cwd: dir, user: 'tester' });
  const logs: ServerLogEntry[] = [];
  const remote = options.artifactsRemote ? await options.artifactsRemote(dir) : await openLocalRemote('artifacts', path.join(dir, 'artifacts'), {}, { cwd: dir, env: {} });
  const artifacts = await ArtifactStore.open({ remote, sql: backend.sql, tracking: backend.tracking, spoolDir: path.join(dir, 'spool'), maxUploadBytes: options.maxUploadBytes, now: options.now });
  const ctx: ServerContext = { tracking: backend.tracking, sql: backend.sql, artifacts, objects: remote, version: '0.0.0-test', log: (e) => logs.push(e), now: Date.now };
  await options.configure?.(ctx, dir);
  const running = await startServer(ctx, { host: '127.0.0.1', port: 0, extend: options.extend, bodyLimit: options.bodyLimit });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await running.close();
    await artifacts.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  };
  t.after(close);
  const api: TestServer['api'] = async (route, body, method = 'POST') => {
    const url = `/api/2.0/mlflow/${route}`;
    const res =
      method === 'GET'
        ? await running.app.inject({ method, url, query: (body ?? {}) as Record<string, string> })
        : await running.app.inject({ method, url, payload: body ?? {} });
    let json: unknown;
    try {
      json = res.json();
    } catch {
      json = res.body;
    }
    return { status: res.statusCode, json };
  };
  return { url: running.url, app: running.app, ctx, backend, logs, dir, api, close };
}
