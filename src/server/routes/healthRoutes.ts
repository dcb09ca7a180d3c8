import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../serverContext.js';

/**
 * `/health` and `/version` as MLflow's server answers them (plain text, for load balancers and MLflow's clients),
 * open without a token so a load balancer can probe; `/health` also checks that the database answers.
 */
export function healthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/health', { config: { scope: 'public' } }, async (_request, reply) => {
    await ctx.sql.get('SELECT 1 AS ok');
    return reply.type('text/plain; charset=utf-8').send('OK');
  });
  app.get('/version', { config: { scope: 'public' } }, async (_request, reply) => reply.type('text/plain; charset=utf-8').send(ctx.version));
}
