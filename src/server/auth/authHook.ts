import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CairnError } from '../../core/errors.js';
import type { Scope } from '../routes/route.js';
import { credentialsOf } from './credentials.js';
import { scopeAllows } from './scope.js';
import type { TokenStore } from './tokenStore.js';

/** What a 401 offers: both schemes MLflow's clients know. */
export const WWW_AUTHENTICATE = 'Bearer realm="cairn", Basic realm="cairn", charset="UTF-8"';

/**
 * Checks every request's token against the scope its route needs (`config.scope`; 'public' routes need none):
 * 401 UNAUTHENTICATED with WWW-Authenticate when there is no valid token, 403 PERMISSION_DENIED when its scope is
 * too low. `request.principal` is the token's name, for the request log.
 */
export function registerAuth(app: FastifyInstance, tokens: TokenStore): void {
  app.addHook('onRequest', async (request, reply) => {
    const need = neededScope(request);
    if (need === 'public') return;
    const credentials = credentialsOf(request.headers.authorization);
    try {
      if (credentials === null) {
        throw new CairnError('AUTH', 'this server needs a token', {
          hint: 'send `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN), or the token as the basic-auth password (MLFLOW_TRACKING_PASSWORD)',
        });
      }
      if ('malformed' in credentials) throw new CairnError('AUTH', credentials.malformed, { hint: 'send `Authorization: Bearer <token>`' });
      const principal = await tokens.verify(credentials.token);
      request.principal = principal.name;
      if (!scopeAllows(principal.scope, need)) {
        throw new CairnError('PERMISSION', `the token "${principal.name}" has the ${principal.scope} scope; ${request.method} ${request.url.split('?')[0]} needs ${need}`, {
          hint: `create a token with --scope ${need}`,
        });
      }
    } catch (err) {
      if (err instanceof CairnError && err.code === 'AUTH') reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
      throw err;
    }
  });
}

/** The route's scope; routes that name none (and unknown routes) need read for GET and HEAD, write otherwise. */
function neededScope(request: FastifyRequest): Scope | 'public' {
  const declared = request.routeOptions.config?.scope;
  if (declared) return declared;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}
