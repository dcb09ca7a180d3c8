import { CairnError } from '../core/errors.js';

/** Network errors worth another try: the connection broke or timed out, not a refusal by the server's rules. */
const TRANSIENT_ERRNO = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'ESOCKETTIMEDOUT',
]);

/**
 * Whether a failure may pass if tried again: backends mark transient CairnErrors with `data.transient`; raw
 * network errors count by errno. Bad credentials, missing objects and denied permissions never do.
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof CairnError) return err.data?.transient === true;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && TRANSIENT_ERRNO.has(code);
}

export interface RetryOptions {
  /** Further attempts after the first (default 3). */
  retries?: number;
  /** First delay in milliseconds; doubled on every retry, with jitter (default 250). */
  baseMs?: number;
  signal?: AbortSignal;
  /** Told about each retry, for a debug log line. */
  onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function interrupted(): CairnError {
  return new CairnError('INTERRUPTED', 'interrupted', { hint: 'run the command again; it continues with what is still missing' });
}

/** Runs `fn`, retrying transient failures with exponential backoff and jitter. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 3;
  const base = options.baseMs ?? 250;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw interrupted();
    try {
      return await fn();
    } catch (err) {
      if (attempt >= retries || !isTransientError(err) || options.signal?.aborted) throw err;
      const delay = Math.round(base * 2 ** attempt * (0.75 + Math.random() * 0.5));
      options.onRetry?.(attempt + 1, err, delay);
      await sleep(delay, options.signal);
    }
  }
}
