import type { FastifyInstance } from 'fastify';
import { CairnError } from '../../core/errors.js';
import type { ServerContext } from '../serverContext.js';
import { artifactRoutes } from './artifacts/artifactRoutes.js';
import { healthRoutes } from './healthRoutes.js';
import { nativeRoutes } from './native/nativeRoutes.js';
import { artifactListRoutes } from './mlflow/artifactsList.js';
import { experimentRoutes } from './mlflow/experiments.js';
import { loggedModelRoutes } from './mlflow/loggedModels.js';
import { metricRoutes } from './mlflow/metrics.js';
import { modelVersionRoutes } from './mlflow/modelVersions.js';
import { registeredModelRoutes } from './mlflow/registeredModels.js';
import { runRoutes } from './mlflow/runs.js';
import { uiRoutes } from './ui/uiRoutes.js';
import { routeScope, type MlflowRoute, type RouteInput } from './route.js';

/** Every MLflow-compatible route, by area; each area's file exports its list. */
export const MLFLOW_ROUTES: MlflowRoute[] = [
  ...experimentRoutes,
  ...runRoutes,
  ...metricRoutes,
  ...artifactListRoutes,
  ...loggedModelRoutes,
  ...registeredModelRoutes,
  ...modelVersionRoutes,
];

/** Routes that are not MLflow calls of the JSON kind (artifact bytes, the native API, health, the web UI): each registers itself. */
export const ROUTE_PLUGINS: Array<(app: FastifyInstance, ctx: ServerContext) => void> = [healthRoutes, artifactRoutes, nativeRoutes, uiRoutes];

/** Mounts every route of the server: the MLflow ones, then the plugins. */
export function registerRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerMlflowRoutes(app, ctx, MLFLOW_ROUTES);
  for (const plugin of ROUTE_PLUGINS) plugin(app, ctx);
}

/** Mounts MLflow routes under `/api/<v>/mlflow/` and `/ajax-api/<v>/mlflow/`, as MLflow does (tests mount probes). */
export function registerMlflowRoutes(app: FastifyInstance, ctx: ServerContext, routes: MlflowRoute[]): void {
  for (const route of routes) {
    for (const root of ['api', 'ajax-api']) {
      app.route({
        method: route.method,
        url: `/${root}/${route.version ?? '2.0'}/mlflow/${route.path}`,
        config: { scope: routeScope(route), api: 'mlflow' },
        handler: async (request, reply) => {
          // DELETE calls come with a JSON body from MLflow's Python client and with a query string from others.
          const body = request.body ?? {};
          const input = (route.method === 'GET' ? request.query ?? {} : route.method === 'DELETE' && typeof body === 'object' && !Array.isArray(body) ? { ...(request.query as RouteInput), ...(body as RouteInput) } : body) as RouteInput;
          if (typeof input !== 'object' || input === null || Array.isArray(input)) {
            throw new CairnError('USAGE', `the body of ${route.method} ${route.path} must be a JSON object`, { hint: 'send the request fields as one JSON object, e.g. {"run_id": "..."}' });
          }
          // Path parameters (logged-models/:model_id) join the input, as MLflow's handlers read them alike.
          const params = request.params as Record<string, string> | undefined;
          const merged = params && Object.keys(params).length > 0 ? { ...input, ...params } : input;
          return (await route.handler(merged, ctx, request, reply)) ?? {};
        },
      });
    }
  }
}
