import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fromSystemError } from './errors.js';

export interface AtomicWriteOptions {
  mode?: number;
  /** Flush the file to disk before the rename (default true): a crash then leaves either the old or the new content. */
  fsync?: boolean;
}

/** A unique temporary name beside `target`, so the final rename never crosses a file system. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `data` to `target` through a temp file, fsync and rename: readers see the old bytes or the new ones, never a part. */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    const handle = await fs.open(tmp, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw fromSystemError(err, `could not write ${target}`);
  }
}
