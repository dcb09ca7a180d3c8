/** The one error class of cairn: a code from the table below, a message, and a hint for what to do next. */

export const ERROR_CODES = {
  USAGE: { exit: 2, http: 400 },
  INVALID: { exit: 3, http: 422 },
  NOT_FOUND: { exit: 4, http: 404 },
  CONFLICT: { exit: 5, http: 409 },
  INTEGRITY: { exit: 6, http: 500 },
  REMOTE: { exit: 7, http: 502 },
  AUTH: { exit: 8, http: 401 },
  PERMISSION: { exit: 9, http: 403 },
  NO_SPACE: { exit: 10, http: 507 },
  LOCKED: { exit: 11, http: 423 },
  STAGE_FAILED: { exit: 12, http: 500 },
  // A finding, not a failure: `status --exit-code` saw differences (as `git diff --exit-code` exits 1, but 1 is INTERNAL here).
  CHANGED: { exit: 13, http: 409 },
  // A promotion gate (`cairn model promote --if EXPR`) that the version's metrics do not meet.
  GATE_FAILED: { exit: 14, http: 412 },
  INTERRUPTED: { exit: 130, http: 499 },
  INTERNAL: { exit: 1, http: 500 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CairnErrorOptions {
  hint?: string;
  cause?: unknown;
  data?: Record<string, unknown>;
}

export class CairnError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: CairnErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CairnError';
    this.code = code;
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
    this.data = options.data;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

export function isCairnError(err: unknown): err is CairnError {
  return err instanceof CairnError;
}

/** Removes passwords and secret query parameters from URLs inside any text before it is shown or logged. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+@/gi, '$1***@')
    .replace(/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|token|access_token|secret|password|sig)=)[^&\s]+/gi, '$1***');
}

const ERRNO_CODES: Record<string, ErrorCode> = {
  ENOENT: 'NOT_FOUND',
  EACCES: 'PERMISSION',
  EPERM: 'PERMISSION',
  EROFS: 'PERMISSION',
  ENOSPC: 'NO_SPACE',
  EDQUOT: 'NO_SPACE',
  EEXIST: 'CONFLICT',
};

/** Turns a Node.js system error (ENOENT, EACCES, ENOSPC...) into a CairnError that names what was being done. */
export function fromSystemError(err: unknown, doing: string): CairnError {
  if (err instanceof CairnError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = (e && e.code && ERRNO_CODES[e.code]) || 'INTERNAL';
  const hints: Partial<Record<ErrorCode, string>> = {
    PERMISSION: 'check the permissions of the path (or run `cairn unprotect` for a protected workspace file)',
    NO_SPACE: 'free some space on the device (for example with `cairn gc`), then run the command again',
    NOT_FOUND: 'check that the path exists',
  };
  const reason = e && e.code ? `${e.code}: ${e.message}` : String(err);
  return new CairnError(code, `${doing}: ${reason}`, { hint: hints[code], cause: err });
}
