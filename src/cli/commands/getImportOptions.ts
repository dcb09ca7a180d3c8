import { CairnError } from '../../core/errors.js';

/** Parses `-j N` for get, import and update (undefined: the source remote's own default). */
export function parseJobs(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 512) {
    throw new CairnError('USAGE', `-j must be a whole number from 1 to 512, not "${String(value)}"`, { hint: 'e.g. -j 16' });
  }
  return jobs;
}

/** "12 files (3.4 MiB)" for summaries. Pure. */
export function describeSize(files: number, bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'} (${unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`})`;
}
