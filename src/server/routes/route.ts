import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../serverContext.js';

/** What a request may do; a token carries one (admin > write > read). */
export type Scope = 'read' | 'write' | 'admin';

/** The decoded input of an MLflow call: the query string of a GET, the JSON body otherwise. */
export type RouteInput = Record<string, unknown>;

/**
 * One endpoint of MLflow's REST API. `path` is relative to the API's root (`experiments/create`); the route table
 * mounts it under both `/api/<version>/mlflow/` and `/ajax-api/<version>/mlflow/`, as MLflow's server does.
 */
export interface MlflowRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  /** MLflow's API version of the route; default '2.0'. */
  version?: '2.0' | '3.0';
  /** Default: read for GET, write otherwise. */
  scope?: Scope;
  handler(input: RouteInput, ctx: ServerContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** The scope a route needs. */
export function routeScope(route: Pick<MlflowRoute, 'method' | 'scope'>): Scope {
  return route.scope ?? (route.method === 'GET' ? 'read' : 'write');
}
