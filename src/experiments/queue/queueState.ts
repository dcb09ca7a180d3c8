import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../../core/repo.js';

/** What became of a queued experiment once a worker took it: kept in .cairn/tmp/queue/<name>.json beside its log. */
export interface QueueState {
  name: string;
  status: 'running' | 'done' | 'failed' | 'killed';
  /** The process running it (for `queue kill`, and to tell a crashed worker from a running one). */
  pid: number;
  started: number;
  ended?: number;
  commit?: string;
  error?: { code: string; message: string; hint?: string };
}

export const queueDir = (repo: Repo) => path.join(repo.tmpDir, 'queue');
export const queueLogPath = (repo: Repo, name: string) => path.join(queueDir(repo), `${name}.log`);

export function writeQueueState(repo: Repo, state: QueueState): void {
  mkdirSync(queueDir(repo), { recursive: true });
  const file = path.join(queueDir(repo), `${state.name}.json`);
  writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify(state));
  renameSync(`${file}.tmp-${process.pid}`, file);
}

export function readQueueStates(repo: Repo): QueueState[] {
  let names: string[];
  try {
    names = readdirSync(queueDir(repo)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(path.join(queueDir(repo), f), 'utf8')) as QueueState];
    } catch {
      return [];
    }
  });
}

export function removeQueueState(repo: Repo, name: string): void {
  rmSync(path.join(queueDir(repo), `${name}.json`), { force: true });
  rmSync(queueLogPath(repo, name), { force: true });
}

/** Whether a process still exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
