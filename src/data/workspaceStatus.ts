import { existsSync, lstatSync } from 'node:fs';
import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import { cachePresence } from './cachePresence.js';
import { loadTree } from './loadTree.js';
import { cacheSignature, listingFingerprint } from './dirSnapshot.js';
import { listWorkspacePath, scanPath } from './scanPath.js';
import { StateIndex } from './stateIndex.js';
import type { WalkCollect, WalkEntry } from './walkWorkspace.js';
import { saveSnapshot, unchangedSinceSnapshot } from './statusSnapshot.js';
import { isCairnError } from '../core/errors.js';
import { LOCK_FILE_NAME } from './pointersAtRev.js';
import { selectTracked, type Tracked } from './trackedPaths.js';
import { treeOid, type TreeEntry } from './tree.js';

/** What differs between one tracked path's pointer and the workspace and cache. Paths are repo-relative. */
export interface PathStatus {
  path: string;
  pointer: string;
  kind: 'file' | 'dir';
  /** 'missing': not in the workspace; 'modified': content differs from the pointer. */
  workspace: 'unchanged' | 'modified' | 'missing';
  /** Files inside a directory, relative to the repo root. */
  added: string[];
  modified: string[];
  deleted: string[];
  /** Recorded files whose objects are not in the cache (for a directory whose tree is missing: the directory). */
  notInCache: string[];
  /** Whether the directory's tree object is missing, so file-level changes cannot be listed. */
  treeMissing: boolean;
  /**
   * For a modified path: whether the workspace content as a whole is itself an object in the cache, i.e. data cairn
   * recorded before. That is what a pointer moved under unchanged data looks like (`git checkout` of another commit,
   * `git pull`): `cairn checkout` then loses nothing, while `cairn commit` would record the wrong version. False
   * means the content is new to cairn: the user's own edits.
   */
  recorded: boolean;
  /**
   * Set for a cached pipeline output recorded in cairn.lock (then `pointer` is that lock file). Only its cache is
   * checked here: whether its workspace data changed is the pipeline's staleness, which `cairn status` reports there.
   */
  stage?: string;
}

export interface WorkspaceStatus {
  clean: boolean;
  paths: PathStatus[];
}

/** The tracked paths status looks at: with the cairn.lock outputs, unless the lock does not load (the pipeline section reports that). */
async function selectForStatus(repo: Repo, cwd: string, targets: string[]): Promise<Tracked[]> {
  try {
    return await selectTracked(repo, cwd, targets, { outputs: true });
  } catch (err) {
    if (!(isCairnError(err) && err.code === 'INVALID' && err.message.includes(LOCK_FILE_NAME))) throw err;
    return selectTracked(repo, cwd, targets);
  }
}

const join = (base: string, rel: string) => (rel ? `${base}/${rel}` : base);

/** Compares the workspace with every selected pointer (all without arguments). Unchanged files are not re-hashed. */
export async function workspaceStatus(
  repo: Repo,
  options: { targets?: string[] } & Partial<RunContext> & { cwd: string },
): Promise<WorkspaceStatus> {
  const selected = await selectForStatus(repo, options.cwd, options.targets ?? []);
  const paths: PathStatus[] = [];
  for (const t of selected) paths.push(await statusOf(repo, t, options));
  const clean = paths.every((p) => p.workspace === 'unchanged' && p.notInCache.length === 0 && !p.treeMissing);
  return { clean, paths };
}

async function statusOf(repo: Repo, t: Tracked, ctx: Partial<RunContext>): Promise<PathStatus> {
  const p = t.pointer;
  const s: PathStatus = {
    path: t.dataPath, pointer: t.pointerPath, kind: p.kind, workspace: 'unchanged',
    added: [], modified: [], deleted: [], notInCache: [], treeMissing: false, recorded: false, ...(t.output ? { stage: t.output.stage } : {}),
  };
  if (t.output) {
    await checkCache(repo, t, s);
    return s;
  }
  let exists = true;
  try {
    lstatSync(t.abs);
  } catch {
    exists = false;
  }
  const sig = p.kind === 'dir' ? cacheSignature(repo.cacheDir) : null;
  // Fastest path, like Git's index: the folder's stat snapshot still holds, so nothing needs listing or hashing.
  if (exists && sig && await unchangedSinceSnapshot(repo, t.dataPath, { oid: p.oid, cacheSig: sig })) return s;
  const walk: WalkCollect = { dirs: [], links: 0 };
  const listing = exists && (p.kind === 'file' || existsSync(t.abs)) ? await listWorkspacePath(repo, t.abs, walk) : null;
  // Fast path for an unchanged folder: same listing and stats as when it last matched this tree, and the cache's
  // folders untouched since all its objects were there. Then neither the tree nor the state index need reading.
  const fingerprint = listing?.kind === 'dir' && p.kind === 'dir' ? listingFingerprint(listing.files) : null;
  const state = p.kind === 'dir' ? StateIndex.open(repo) : null;
  try {
    const snap = state?.getDir(t.dataPath);
    if (fingerprint && snap && snap.fingerprint === fingerprint && snap.oid === p.oid && sig && snap.cacheSig === sig) {
      saveSnapshot(repo, t.dataPath, { oid: p.oid, cacheSig: sig, files: listing!.files, walk });
      return s;
    }
    let recorded: TreeEntry[] | null = null;
    const present = cachePresence(repo.cacheDir, p.kind === 'dir' ? p.files ?? 0 : 1);
    if (p.kind === 'dir') {
      if (present(p.oid)) recorded = (await loadTree(repo, p.oid)).entries;
      else s.treeMissing = true;
    } else {
      recorded = [{ path: '', oid: p.oid, size: p.size, exec: Boolean(p.exec) }];
    }
    if (recorded) for (const e of recorded) if (!present(e.oid)) s.notInCache.push(join(t.dataPath, e.path));
    if (s.treeMissing) s.notInCache.push(t.dataPath);
    if (!listing) {
      s.workspace = 'missing';
      return s;
    }
    if (fingerprint && snap && snap.fingerprint === fingerprint && snap.oid === p.oid) return s;
    await compareWorkspace(repo, t, s, recorded, listing, ctx);
    if (fingerprint && s.workspace === 'unchanged') {
      const complete = s.notInCache.length === 0 ? sig : null;
      state!.putDir(t.dataPath, { fingerprint, oid: p.oid, cacheSig: complete });
      if (complete) saveSnapshot(repo, t.dataPath, { oid: p.oid, cacheSig: complete, files: listing!.files, walk });
    }
    return s;
  } finally {
    state?.close();
  }
}

/** Fills in which recorded objects of a tracked path (its tree, its files) are not in the cache. */
async function checkCache(repo: Repo, t: Tracked, s: PathStatus): Promise<void> {
  const p = t.pointer;
  const present = cachePresence(repo.cacheDir, p.kind === 'dir' ? p.files ?? 0 : 1);
  if (p.kind === 'file') {
    if (!present(p.oid)) s.notInCache.push(t.dataPath);
    return;
  }
  if (!present(p.oid)) {
    s.treeMissing = true;
    s.notInCache.push(t.dataPath);
    return;
  }
  for (const e of (await loadTree(repo, p.oid)).entries) if (!present(e.oid)) s.notInCache.push(join(t.dataPath, e.path));
}

/** Fills in what differs between the workspace listing and the recorded content (hashing only unknown files). */
async function compareWorkspace(
  repo: Repo,
  t: Tracked,
  s: PathStatus,
  recorded: TreeEntry[] | null,
  listing: { kind: 'file' | 'dir'; files: WalkEntry[] },
  ctx: Partial<RunContext>,
): Promise<void> {
  const p = t.pointer;
  // With the recorded tree at hand, comparing entries is cheaper than building the workspace's tree oid.
  const compareEntries = p.kind === 'dir' && recorded !== null;
  const scan = await scanPath(repo, t.abs, { store: false, ctx, treeOid: !compareEntries, listing });
  // The workspace content's own oid (its tree's, for a folder), to tell recorded data from new edits.
  const workspaceOid = () => (compareEntries && scan.info.kind === 'dir' ? treeOid(scan.entries).oid : scan.info.oid);
  const markRecorded = () => {
    s.recorded = cachePresence(repo.cacheDir, 1)(workspaceOid());
  };
  if (scan.info.kind !== p.kind) {
    s.workspace = 'modified';
    markRecorded();
    return;
  }
  if (!compareEntries) {
    const sameExec = p.kind === 'dir' || Boolean(scan.info.exec) === Boolean(p.exec);
    if (scan.info.oid !== p.oid || !sameExec) {
      s.workspace = 'modified';
      markRecorded();
    }
    return;
  }
  const was = new Map(recorded!.map((e) => [e.path, e]));
  for (const e of scan.entries) {
    const old = was.get(e.path);
    if (!old) s.added.push(join(t.dataPath, e.path));
    else if (old.oid !== e.oid || old.exec !== e.exec) s.modified.push(join(t.dataPath, e.path));
    was.delete(e.path);
  }
  for (const rel of was.keys()) s.deleted.push(join(t.dataPath, rel));
  if (s.added.length || s.modified.length || s.deleted.length) {
    s.workspace = 'modified';
    markRecorded();
  }
}
