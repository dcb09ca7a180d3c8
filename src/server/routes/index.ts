import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../serverContext.js';
import { artifactRoutes } from './artifacts/artifactRoutes.js';
import { healthRoutes } from './healthRoutes.js';
import { modelVersionRoutes } from './mlflow/modelVersions.js';
import { registeredModelRoutes } from './mlflow/registeredModels.js';
import { routeScope, type MlflowRoute, type RouteInput } from './route.js';

/** Every MLflow-compatible route, by area; each area's file exports its list. */
export const MLFLOW_ROUTES: MlflowRoute[] = [...registeredModelRoutes, ...modelVersionRoutes];

/** Routes that are not MLflow calls of the JSON kind (artifact bytes, the native API, health): each registers itself. */
export const ROUTE_PLUGINS: Array<(app: FastifyInstance, ctx: ServerContext) => void> = [healthRoutes, artifactRoutes];

/** Mounts the routes: every MLflow route under `/api/<v>/mlflow/` and `/ajax-api/<v>/mlflow/`, as MLflow does. */
export function registerRoutes(app: FastifyInstance, ctx: ServerContext, routes: MlflowRoute[] = MLFLOW_ROUTES): void {
  for (const route of routes) {
    for (const root of ['api', 'ajax-api']) {
      app.route({
        method: route.method,
        url: `/${root}/${route.version ?? '2.0'}/mlflow/${route.path}`,
        config: { scope: routeScope(route), api: 'mlflow' },
        handler: async (request, reply) => {
          // DELETE calls come with a JSON body from MLflow's Python client and with a query string from others.
          const body = (request.body ?? {}) as RouteInput;
          const input = (route.method === 'GET' ? request.query : route.method === 'DELETE' ? { ...(request.query as RouteInput), ...body } : body) as RouteInput;
          return (await route.handler(input ?? {}, ctx, request, reply)) ?? {};
        },
      });
    }
  }
  for (const plugin of ROUTE_PLUGINS) plugin(app, ctx);
}
