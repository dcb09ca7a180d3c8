import { redactSecrets } from '../../core/errors.js';

/** JSON for `--json` output: stable two-space indentation, secrets redacted. */
export function formatJson(data: unknown): string {
  return redactSecrets(JSON.stringify(data, null, 2));
}
