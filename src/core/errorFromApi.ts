import { CairnError, ERROR_CODES, type ErrorCode } from './errors.js';

/**
 * The error body cairn's server sends (src/server/mlflowErrors.ts): MLflow's two fields plus cairn's own. It lives in
 * core so that clients (the HTTP tracking store, the SDK) rebuild errors without importing the server.
 */
interface ApiErrorShape {
  error_code?: unknown;
  message?: unknown;
  cairn?: { code?: unknown; hint?: unknown; data?: unknown };
}

/** Rebuilds, on the client side, the CairnError a server sent (cairn's own field first, MLflow's code otherwise). */
export function errorFromApi(status: number, body: unknown, doing: string): CairnError {
  const b = (body ?? {}) as ApiErrorShape;
  const message = typeof b.message === 'string' ? b.message : `${doing}: HTTP ${status}`;
  if (b.cairn && typeof b.cairn.code === 'string' && b.cairn.code in ERROR_CODES) {
    const hint = typeof b.cairn.hint === 'string' ? b.cairn.hint : undefined;
    const data = typeof b.cairn.data === 'object' && b.cairn.data !== null ? (b.cairn.data as Record<string, unknown>) : undefined;
    return new CairnError(b.cairn.code as ErrorCode, message, { hint, data });
  }
  const fromMlflow: Record<string, ErrorCode> = {
    INVALID_PARAMETER_VALUE: 'USAGE',
    BAD_REQUEST: 'USAGE',
    RESOURCE_ALREADY_EXISTS: 'CONFLICT',
    RESOURCE_DOES_NOT_EXIST: 'NOT_FOUND',
    ENDPOINT_NOT_FOUND: 'NOT_FOUND',
    UNAUTHENTICATED: 'AUTH',
    PERMISSION_DENIED: 'PERMISSION',
  };
  const code = (typeof b.error_code === 'string' && fromMlflow[b.error_code]) || (status === 401 ? 'AUTH' : status === 403 ? 'PERMISSION' : status === 404 ? 'NOT_FOUND' : status < 500 ? 'USAGE' : 'REMOTE');
  return new CairnError(code, message);
}
