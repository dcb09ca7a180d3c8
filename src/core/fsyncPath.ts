import { closeSync, fsyncSync, openSync } from 'node:fs';

/** fsyncs a file or a folder by path (a folder's fsync makes the names in it durable). */
export function fsyncPathSync(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
