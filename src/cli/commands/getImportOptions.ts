import { CairnError } from '../../core/errors.js';
import { formatBytes } from '../../core/formatBytes.js';

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
  return `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'} (${formatBytes(bytes)})`;
}

