import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { CairnError } from '../core/errors.js';
import { createServer, type CreateServerOptions } from './createServer.js';
import type { ServerContext } from './serverContext.js';

export interface StartServerOptions extends CreateServerOptions {
  host: string;
  port: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port/ as clients should write it. */
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then returns. */
  close(): Promise<void>;
}

/** Builds the app and listens; `close` is the graceful shutdown the CLI calls on SIGTERM / SIGINT. */
export async function startServer(ctx: ServerContext, options: StartServerOptions): Promise<RunningServer> {
  const app = await createServer(ctx, options);
  // A keep-alive connection whose request was in flight at close would otherwise stay open until the grace period
  // cuts it; answering that request with `Connection: close` lets close() finish as soon as the work is done.
  let shuttingDown = false;
  app.addHook('onSend', async (_request, reply) => {
    if (shuttingDown) reply.header('connection', 'close');
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CairnError('CONFLICT', `port ${options.port} on ${options.host} is already in use`, { hint: 'stop the other server, or choose another port with --port' });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new CairnError('USAGE', `cannot listen on ${options.host}: no such address on this machine`, { hint: 'use 127.0.0.1, 0.0.0.0 or an address of this machine' });
    }
    if (code === 'EACCES') {
      throw new CairnError('PERMISSION', `not allowed to listen on port ${options.port}`, { hint: 'ports below 1024 need root; choose another with --port' });
    }
    throw err;
  }
  const port = (app.server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const grace = options.closeGraceMs ?? 10_000;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      // Fastify waits for in-flight requests; connections still busy after the grace period are cut.
      const timer = setTimeout(() => app.server.closeAllConnections(), grace);
      timer.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
      }
    })());
  return { app, url: `http://${shownHost}:${port}/`, port, close };
}
