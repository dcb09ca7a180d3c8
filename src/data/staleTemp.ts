import { readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * Temp files cairn writes before a rename: fileOps `tmpName` (`.<name>.tmp-<pid>-<thread>-<n>`) and atomicWrite
 * `tempPathFor` (`.<name>.tmp-<pid>-<8 hex>`). One left by a killed cairn is not data.
 */
export const TEMP_NAME = /^\.(.+)\.tmp-(\d+)-[0-9a-f]+(?:-\d+)?$/;

/**
 * Exactly the names cairn writes in the workspace — `tmpName`'s `<pid>-<thread>-<n>` or `tempPathFor`'s
 * `<pid>-<8 hex>` — for deleting: a user's `.backup.tmp-2024-01` is skipped by the broader TEMP_NAME, never deleted.
 */
const OWN_TEMP_NAME = /^\.(.+)\.tmp-(\d+)-(?:\d+-\d+|[0-9a-f]{8})$/;

/** The pid a cairn temp file name carries, or null when the name is not exactly one of cairn's. Pure. */
export function tempOwnerPid(name: string): number | null {
  const m = OWN_TEMP_NAME.exec(name);
  return m ? Number(m[2]) : null;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `abs` if its name is a cairn temp file whose writer is gone, so a killed checkout or pull does not leave
 * half-copied files in the user's folder for training code to glob. A live pid (a cairn at work, or one that reused
 * the number) keeps its file. `alive` caches the answer per pid for one walk. Returns whether the file was removed.
 */
export function removeStaleTemp(abs: string, name: string, alive: Map<number, boolean>): boolean {
  const pid = tempOwnerPid(name);
  if (pid === null || pid === process.pid) return false;
  let isAlive = alive.get(pid);
  if (isAlive === undefined) alive.set(pid, (isAlive = processAlive(pid)));
  if (isAlive) return false;
  try {
    unlinkSync(abs);
    return true;
  } catch {
    return false; // gone already, or a read-only folder: it stays skipped either way
  }
}

/**
 * Removes the stale temp files of one tracked file, which sit beside it (`.<its name, or its first 16 characters>.tmp-...`)
 * in a folder cairn does not walk. Returns how many were removed.
 */
export function removeStaleTempsBeside(file: string): number {
  const base = path.basename(file);
  const mine = (n: string) => {
    const of = OWN_TEMP_NAME.exec(n)?.[1];
    return of === base || of === base.slice(0, 16);
  };
  let names: string[];
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return 0;
  }
  const alive = new Map<number, boolean>();
  return names.filter((n) => mine(n) && removeStaleTemp(path.join(path.dirname(file), n), n, alive)).length;
}
