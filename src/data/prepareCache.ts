import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CairnError, fromSystemError } from '../core/errors.js';
import { fsyncPathSync } from '../core/fsyncPath.js';
import { ObjectStore } from './objectStore.js';
import { OBJECTS_DIR } from './objectPath.js';
import type { LayoutVersion } from './packs/cacheLayout.js';

/**
 * Makes sure the cache exists with all 256 prefix folders, so the hot path of storing never calls mkdir per object.
 * Errors name the cache and say what to do (a cache.dir under a regular file, a read-only disk...).
 */
export async function prepareCache(cacheDir: string, newLayout?: LayoutVersion): Promise<void> {
  try {
    if (existsSync(path.join(cacheDir, OBJECTS_DIR, 'ff'))) return;
    await new ObjectStore(cacheDir).ensureLayout(newLayout);
    for (let i = 0; i < 256; i++) mkdirSync(path.join(cacheDir, OBJECTS_DIR, i.toString(16).padStart(2, '0')), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as CairnError).code;
    if (code === 'ENOTDIR') {
      throw new CairnError('INVALID', `the cache directory ${cacheDir} cannot be created: part of that path is a file`, {
        hint: 'set cache.dir to a folder, e.g. `cairn config cache.dir /path/to/cache`',
      });
    }
    throw fromSystemError(err, `could not create the cache at ${cacheDir}`);
  }
}

/**
 * Flushes everything written to the cache's file system to disk, once per command rather than once per object:
 * fsync per 1 KiB object would dominate the cost of adding many files (see docs/decisions.md). Pointers are written
 * after this returns, so a crash never leaves a pointer naming an object that was still only in the page cache.
 */
export function flushCache(cacheDir: string): Promise<void> {
  // (Also used on the workspace, to flush many pointer files at once: `sync -f` flushes the whole file system.)
  return new Promise((resolve) => {
    execFile('sync', ['-f', cacheDir], () => resolve());
  });
}

/**
 * Flushes exactly these files and their folders (fsync each), for a command that wrote only a few files: cheaper than
 * `flushCache`, which also writes out every other dirty page of the file system (a dataset generated a moment ago,
 * say). Files that are gone are skipped.
 */
export function flushFiles(files: Iterable<string>): void {
  const dirs = new Set<string>();
  for (const file of files) {
    try {
      fsyncPathSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw fromSystemError(err, `could not flush ${file} to disk`);
    }
    dirs.add(path.dirname(file));
  }
  for (const dir of dirs) {
    try {
      fsyncPathSync(dir);
    } catch (err) {
      throw fromSystemError(err, `could not flush the folder ${dir} to disk`);
    }
  }
}

/** At most this many loose files are flushed one by one; more, and one flush of the file system is cheaper. */
export const FLUSH_FILES_MAX = 64;

/**
 * While a long store runs, flushes the cache every `everyMs` in the background, so the disk writes overlap the hashing
 * and the final `flushCache` has little left to do. Returns a stop function that waits for a flush in progress.
 */
export function flushInBackground(cacheDir: string, everyMs = 1000): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (!running) running = flushCache(cacheDir).finally(() => (running = null));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
