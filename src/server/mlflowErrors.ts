import { CairnError, ERROR_CODES, type ErrorCode } from '../core/errors.js';

/** MLflow's error codes (mlflow/protos/databricks.proto) and the HTTP status MLflow's server gives each. */
export const MLFLOW_ERROR_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 413,
  TEMPORARILY_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const;

export type MlflowErrorCode = keyof typeof MLFLOW_ERROR_STATUS;

const BY_CAIRN_CODE: Partial<Record<ErrorCode, MlflowErrorCode>> = {
  USAGE: 'INVALID_PARAMETER_VALUE',
  INVALID: 'INVALID_PARAMETER_VALUE',
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  CONFLICT: 'RESOURCE_ALREADY_EXISTS',
  AUTH: 'UNAUTHENTICATED',
  PERMISSION: 'PERMISSION_DENIED',
  LOCKED: 'TEMPORARILY_UNAVAILABLE',
};

/** The body of every API error: MLflow's two fields, plus cairn's own so cairn's HTTP client rebuilds the same error. */
export interface ApiErrorBody {
  error_code: string;
  message: string;
  cairn: { code: ErrorCode; hint?: string; data?: Record<string, unknown> };
}

/**
 * The response for an error. On the MLflow API the status is MLflow's for the MLflow code (a CairnError may force a
 * code with `data.mlflow_code`, as a changed param does: INVALID_PARAMETER_VALUE, not RESOURCE_ALREADY_EXISTS); on
 * cairn's native API it is the status of cairn's own table. Errors that are not CairnErrors never show their text.
 */
export function apiError(err: unknown, api: 'mlflow' | 'native'): { status: number; body: ApiErrorBody } {
  const e = err instanceof CairnError ? err : new CairnError('INTERNAL', 'internal server error', { hint: 'the server log has the details' });
  const forced = e.data?.mlflow_code;
  const mlflowCode: MlflowErrorCode =
    typeof forced === 'string' && forced in MLFLOW_ERROR_STATUS ? (forced as MlflowErrorCode) : BY_CAIRN_CODE[e.code] ?? 'INTERNAL_ERROR';
  const status = api === 'mlflow' ? MLFLOW_ERROR_STATUS[mlflowCode] : ERROR_CODES[e.code].http;
  const data = e.data && Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== 'mlflow_code'));
  return {
    status,
    body: {
      error_code: mlflowCode,
      message: e.message,
      cairn: { code: e.code, ...(e.hint ? { hint: e.hint } : {}), ...(data && Object.keys(data).length > 0 ? { data } : {}) },
    },
  };
}

// Clients (src/tracking/http) rebuild errors without importing the server.
export { errorFromApi } from '../core/errorFromApi.js';
