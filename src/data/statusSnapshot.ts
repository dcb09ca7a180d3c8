import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashBuffer } from '../core/hash.js';
import type { Repo } from '../core/repo.js';
import { racyAfter } from './dirSnapshot.js';
import { startWorker } from './hashPool.js';
import { dirsMatch, filesMatch, readSnapshotFile } from './snapshotMatches.js';
import { encodeSnapshot, FLAG_EXEC, FLAG_READ_ONLY } from './statSnapshot.js';
import { IGNORE_FILE, type WalkCollect, type WalkEntry } from './walkWorkspace.js';

/** Above this many files, half the stats go to a worker thread (its start-up costs about as much as 15k stats). */
const PARALLEL_ABOVE = 30_000;

/** A check job for a hash worker: stat files [from, to) of a snapshot file and say whether all still match. */
export interface SnapshotJob {
  id: number;
  op: 'snapshot';
  file: string;
  base: string;
  from: number;
  to: number;
}

function snapshotFile(repo: Repo, rel: string): string {
  return path.join(repo.tmpDir, 'status', `${hashBuffer(rel).slice(0, 32)}.snap`);
}

/** The root `.cairnignore` decides what a folder holds: its stat is part of what a snapshot assumes. */
function guardOf(repo: Repo): string {
  const st = statSync(path.join(repo.root, IGNORE_FILE), { bigint: true, throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}` : '-';
}

/**
 * Whether the tracked folder `rel` is exactly as when it last matched tree `oid` with every object cached
 * (`cacheSig`): same folders (so same names), same stat data for every file. False means "look properly", never
 * "changed".
 */
export async function unchangedSinceSnapshot(repo: Repo, rel: string, expect: { oid: string; cacheSig: string }): Promise<boolean> {
  const file = snapshotFile(repo, rel);
  const snap = readSnapshotFile(file);
  if (!snap || snap.path !== rel || snap.oid !== expect.oid || snap.cacheSig !== expect.cacheSig || snap.guard !== guardOf(repo)) return false;
  const base = path.join(repo.root, ...rel.split('/'));
  if (!dirsMatch(base, snap)) return false;
  const n = snap.files.length;
  if (n <= PARALLEL_ABOVE) return filesMatch(base, snap, 0, n);
  const half = Math.floor(n / 2);
  const worker = startWorker();
  try {
    const theirs = new Promise<boolean>((resolve) => {
      worker.once('message', (msg: { ok: boolean }) => resolve(msg.ok));
      // A worker that cannot run only costs speed: the careful path decides.
      worker.once('error', () => resolve(false));
      worker.postMessage({ id: 0, op: 'snapshot', file, base, from: half, to: n } satisfies SnapshotJob);
    });
    const mine = filesMatch(base, snap, 0, half);
    return (await theirs) && mine;
  } finally {
    void worker.terminate();
  }
}

/**
 * Records what a folder looked like when status found it equal to tree `oid`. Skipped (and any old snapshot left to
 * fail its checks) when a link was followed or any timestamp is too recent to trust.
 */
export function saveSnapshot(repo: Repo, rel: string, state: { oid: string; cacheSig: string; files: WalkEntry[]; walk: WalkCollect }): boolean {
  const { files, walk } = state;
  if (walk.links > 0) return false;
  const racy = racyAfter();
  const dirStats = new BigInt64Array(walk.dirs.length * 2);
  for (let i = 0; i < walk.dirs.length; i++) {
    if (walk.dirs[i].mtimeNs >= racy) return false;
    dirStats[2 * i] = walk.dirs[i].ino;
    dirStats[2 * i + 1] = walk.dirs[i].mtimeNs;
  }
  const fileStats = new BigInt64Array(files.length * 3);
  const fileFlags = new Uint8Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const mtime = BigInt(f.stat.mtimeNs);
    if (mtime >= racy) return false;
    fileStats[3 * i] = BigInt(f.stat.ino);
    fileStats[3 * i + 1] = BigInt(f.stat.size);
    fileStats[3 * i + 2] = mtime;
    fileFlags[i] = (f.exec ? FLAG_EXEC : 0) | (f.readOnly ? FLAG_READ_ONLY : 0);
  }
  const buf = encodeSnapshot({
    path: rel, oid: state.oid, cacheSig: state.cacheSig, guard: guardOf(repo),
    dirs: walk.dirs.map((d) => d.rel), dirStats, files: files.map((f) => f.rel), fileStats, fileFlags,
  });
  const file = snapshotFile(repo, rel);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Only an accelerator: no fsync; a torn file fails to decode and status takes the careful path.
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, buf);
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}
