import { CairnError } from '../core/errors.js';

/** A whole number of at least 1 typed for `flag` (undefined when not given); `example` is shown in the hint. */
export function positiveInt(raw: unknown, flag: string, example: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CairnError('USAGE', `${flag} must be a whole number of at least 1, not "${String(raw)}"`, { hint: `e.g. \`${example}\`` });
  return n;
}
