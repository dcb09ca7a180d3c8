import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CairnError, redactSecrets } from '../core/errors.js';
import { registerAuth } from './auth/authHook.js';
import { apiError } from './mlflowErrors.js';
import { registerRoutes } from './routes/index.js';
import type { ServerContext } from './serverContext.js';

export interface CreateServerOptions {
  /** Largest request body in bytes (artifact uploads stream and have their own limit). Default 64 MiB. */
  bodyLimit?: number;
  /** How long in-flight requests get to finish on close before their connections are cut; default 10 s. */
  closeGraceMs?: number;
  /** More routes, added before the app starts (tests add probes with it). */
  extend?: (app: FastifyInstance) => void;
}

/** The server's HTTP app over its context; it does not listen (see startServer.ts), so tests use `app.inject`. */
export async function createServer(ctx: ServerContext, options: CreateServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 64 * 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // MLflow's clients send ids and names in query strings that may repeat a key (run_ids=a&run_ids=b).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2000 },
    genReqId: () => Math.random().toString(36).slice(2, 10),
    // A URL the router cannot decode (`%zz`) or a path segment over maxParamLength: the same JSON errors as the rest.
    frameworkErrors: (err, request, reply) => {
      const e = new CairnError('USAGE', `the URL ${redactSecrets(request.url.split('?')[0])} cannot be read: ${err.message}`, {
        hint: 'percent-encode the path (e.g. a space as %20), and keep each part under 2000 characters',
      });
      const { status, body } = apiError(e, apiOf(request));
      return (reply as FastifyReply).status(status).send(body);
    },
  });

  // MLflow's clients do not all send a content type with their JSON; read any body that is not bytes as JSON.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', 'text/plain', '*'], { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, {});
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new CairnError('USAGE', `the request body of ${request.method} ${request.url.split('?')[0]} is not valid JSON`, { hint: 'send a JSON object, e.g. {"name": "cats"}' }), undefined);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    ctx.log({
      level: reply.statusCode >= 500 ? 'error' : 'info',
      msg: 'request',
      req_id: request.id,
      method: request.method,
      url: redactSecrets(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(request.principal ? { user: request.principal } : {}),
    });
  });

  app.setErrorHandler((err, request, reply) => {
    const e = toCairnError(err);
    if (e.code === 'INTERNAL') {
      ctx.log({ level: 'error', msg: 'request failed', req_id: request.id, url: redactSecrets(request.url), error: (err as Error)?.stack ?? String(err) });
    }
    const { status, body } = apiError(e, apiOf(request));
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return reply.status(404).send({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No API endpoint for ${request.method} ${path}`,
      cairn: { code: 'NOT_FOUND', hint: 'the MLflow API lives under /api/2.0/mlflow/ and cairn\'s own under /api/cairn/v1/' },
    });
  });

  if (ctx.auth) registerAuth(app, ctx.auth.tokens);
  registerRoutes(app, ctx);
  options.extend?.(app);
  return app;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request (the token's or basic-auth user's name), when auth is on. */
    principal?: string;
  }
  interface FastifyContextConfig {
    /** What the route needs: 'public' routes need no token. */
    scope?: 'public' | 'read' | 'write' | 'admin';
    api?: 'mlflow' | 'native';
  }
}

function apiOf(request: FastifyRequest): 'mlflow' | 'native' {
  return request.url.startsWith('/api/cairn/') ? 'native' : 'mlflow';
}

/** Fastify's own errors (a body too large, bad JSON, a wrong content type) become clear 4xx CairnErrors. */
function toCairnError(err: unknown): CairnError {
  if (err instanceof CairnError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new CairnError('USAGE', 'the request body is larger than the server accepts', { hint: 'send smaller batches (MLflow allows at most 1000 metrics per log-batch)', data: { mlflow_code: 'REQUEST_LIMIT_EXCEEDED' } });
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new CairnError('USAGE', `bad request: ${e.message ?? 'the request could not be read'}`, { data: { mlflow_code: 'BAD_REQUEST' } });
  }
  return new CairnError('INTERNAL', 'internal server error', { hint: 'the server log has the details', cause: err });
}
