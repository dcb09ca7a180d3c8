import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CairnError } from '../../../core/errors.js';
import type { Repo } from '../../../core/repo.js';
import type { ServerContext } from '../../serverContext.js';
import { routeScope, type Scope } from '../route.js';

/** Where cairn's own API lives; errors under it keep cairn's statuses (apiError 'native'). */
export const NATIVE_PREFIX = '/api/cairn/v1/';

/** One endpoint of cairn's native API; `path` is relative to NATIVE_PREFIX, in fastify's syntax (`runs/:run_id`). */
export interface NativeRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  /** Default: read for GET, write otherwise; 'public' needs no token. */
  scope?: Scope | 'public';
  handler(request: FastifyRequest, ctx: ServerContext, reply: FastifyReply): Promise<unknown>;
}

/** Mounts native routes under /api/cairn/v1/ with their scope, for the auth hook. */
export function registerNativeRoutes(app: FastifyInstance, ctx: ServerContext, routes: NativeRoute[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: `${NATIVE_PREFIX}${route.path}`,
      config: { scope: route.scope ?? routeScope({ method: route.method }), api: 'native' },
      handler: async (request, reply) => (await route.handler(request, ctx, reply)) ?? {},
    });
  }
}

/** The repository the server runs in, for the repo views; NOT_FOUND when it was started outside one. */
export function requireRepo(ctx: ServerContext): Repo {
  if (ctx.repo) return ctx.repo;
  throw new CairnError('NOT_FOUND', 'this server was not started in a cairn repository, so it has no pipelines, tracked data or Git experiments to show', {
    hint: 'start `cairn server` from inside the repository (its runs API works either way)',
  });
}

/**
 * A Git revision from the query string, checked before it reaches git: a name, commit id or `HEAD~2`-style
 * expression, never an option (`--output=...`) or anything with spaces or control characters.
 */
export function revParam(request: FastifyRequest, fallback: string | undefined): string | undefined {
  const raw = (request.query as Record<string, unknown> | undefined)?.rev;
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_./@{}~^-]{0,199}$/.test(raw) || raw.includes('..') || raw.includes('@{-')) {
    throw new CairnError('USAGE', `invalid Git revision ${JSON.stringify(raw).slice(0, 80)} for parameter 'rev'`, { hint: 'give a branch, tag or commit id, e.g. ?rev=main', data: { field: 'rev' } });
  }
  return raw;
}
