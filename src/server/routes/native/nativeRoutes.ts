import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../serverContext.js';
import { registerNativeRoutes, type NativeRoute } from './nativeRoute.js';
import { metricRoutes } from './metricRoutes.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { repoRoutes } from './repoRoutes.js';
import { uiSupportRoutes } from './uiSupportRoutes.js';

/** The server itself and the description of this API. */
const serverRoutes: NativeRoute[] = [
  {
    method: 'GET',
    path: 'info',
    async handler(_request, ctx) {
      return { version: ctx.version, backend: ctx.tracking.displayUri, auth: Boolean(ctx.auth), repo: ctx.repo?.root ?? null };
    },
  },
  { method: 'GET', path: 'openapi.json', scope: 'public', handler: async () => OPENAPI_DOCUMENT },
];

/** Every route of /api/cairn/v1/; describe each one in openapi.ts too. */
export const NATIVE_ROUTES: NativeRoute[] = [...serverRoutes, ...repoRoutes, ...uiSupportRoutes, ...metricRoutes];

export function nativeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerNativeRoutes(app, ctx, NATIVE_ROUTES);
}
