import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CairnError } from './errors.js';

/** A held repository lock; release it when the command is done. */
export interface RepoLock {
  release(): void;
}

export interface LockOptions {
  /** Called once when the lock is busy, so the CLI can say that it waits and for whom. */
  onWait?: (holder: string) => void;
  /** How long to wait before giving up, in milliseconds (default 10 minutes). */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the repo lock. It is an exclusive SQLite transaction, so the kernel drops it when the holding process dies:
 * a lock left by a killed cairn is never stale and needs no clean-up.
 */
export async function acquireRepoLock(tmpDir: string, options: LockOptions = {}): Promise<RepoLock> {
  await fs.mkdir(tmpDir, { recursive: true });
  const file = path.join(tmpDir, 'lock.db');
  const infoFile = path.join(tmpDir, 'lock.info');
  const db = new Database(file, { timeout: 0 });
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let told = false;
  for (;;) {
    try {
      db.exec('BEGIN EXCLUSIVE');
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') {
        db.close();
        throw new CairnError('LOCKED', `could not take the repository lock ${file}: ${(err as Error).message}`);
      }
      if (Date.now() > deadline) {
        db.close();
        throw new CairnError('LOCKED', `the repository is locked by another cairn process (${readHolder(infoFile)})`, {
          hint: 'wait for it to finish, or stop it; a lock of a process that died is released by itself',
        });
      }
      if (!told) {
        options.onWait?.(readHolder(infoFile));
        told = true;
      }
      await sleep(50 + Math.random() * 100);
    }
  }
  void fs.writeFile(infoFile, `pid ${process.pid}, ${process.argv.slice(2).join(' ')}`).catch(() => {});
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

function readHolder(infoFile: string): string {
  try {
    return readFileSync(infoFile, 'utf8').trim() || 'unknown process';
  } catch {
    return 'unknown process';
  }
}

/** Runs `fn` while holding the repo lock. */
export async function withRepoLock<T>(tmpDir: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireRepoLock(tmpDir, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
