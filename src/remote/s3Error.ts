import { CairnError } from '../core/errors.js';
import { isTransientError } from './retry.js';

/** Maps an SDK or network error to a CairnError that names the remote; transient ones are marked for retry. */
export function s3Error(err: unknown, doing: string, remote: { name: string; displayUrl: string; bucket: string }): CairnError {
  if (err instanceof CairnError) return err;
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; Code?: string };
  const where = `${doing} remote "${remote.name}" (${remote.displayUrl})`;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.Code ?? '';
  const msg = e.message && e.message !== 'UnknownError' ? e.message : name || `HTTP ${status}`;
  if (name === 'NoSuchBucket') {
    return new CairnError('NOT_FOUND', `${where}: bucket "${remote.bucket}" does not exist`, {
      hint: 'create the bucket, or fix the URL with `cairn remote modify NAME url s3://bucket/prefix`', cause: err,
    });
  }
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'AuthorizationHeaderMalformed'].includes(name)) {
    return new CairnError('AUTH', `${where}: the credentials were rejected (${name})`, {
      hint: 'check access_key_id / secret_access_key (or AWS_* variables, or the profile); `cairn remote list` shows which remote is used',
      cause: err,
    });
  }
  if (name === 'AccessDenied' || status === 403) {
    return new CairnError('PERMISSION', `${where}: access denied`, { hint: 'ask for read/write permission on the bucket and prefix', cause: err });
  }
  if (name === 'AbortError' || name === 'RequestAbortedError') {
    return new CairnError('INTERRUPTED', `${where}: interrupted`, { cause: err });
  }
  const throttled = ['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable'].includes(name);
  if (throttled || (status !== undefined && status >= 500) || isTransientError(err) || isTransientError((err as { cause?: unknown }).cause)) {
    const reach = status === undefined ? `could not reach ${remote.displayUrl}: ${e.code ?? msg}` : `${msg}`;
    return new CairnError('REMOTE', `${where}: ${reach}`, {
      hint: 'check that the endpoint is up and reachable (endpoint_url, network); transfers resume with what is missing', cause: err,
      data: { transient: true },
    });
  }
  return new CairnError('REMOTE', `${where}: ${msg}`, { cause: err });
}

