import { CairnError } from '../core/errors.js';

const UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** A size typed for `flag`: bytes, or a number with a unit (`500MB`, `5GiB`, `1.5g`). Undefined when not given. */
export function byteSize(raw: unknown, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(raw));
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new CairnError('USAGE', `${flag} must be a size such as 500MB or 5GiB, not "${String(raw)}"`, { hint: `e.g. \`cairn server ${flag} 10GiB\`` });
  }
  return n;
}
