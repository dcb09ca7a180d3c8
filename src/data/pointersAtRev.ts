import path from 'node:path';
import type { Repo } from '../core/repo.js';
import { CairnError, isCairnError } from '../core/errors.js';
import { catFileBatch, lsTree, resolveRev } from '../git/git.js';
import { dataPathFor, parsePointer, POINTER_SUFFIX, type Pointer } from './pointer.js';

/** A pointer file and what it tracks, both as repo-relative `/`-separated paths. */
export interface TrackedPointer {
  pointerPath: string;
  dataPath: string;
  pointer: Pointer;
  /** Set for a pipeline output recorded in cairn.lock (then `pointerPath` is that lock file, not a pointer file). */
  output?: { stage: string; push: boolean };
}

/** A file committed at some revision, with its Git blob id. */
interface CommittedFile {
  path: string;
  blob: string;
}

export const LOCK_FILE_NAME = 'cairn.lock';

export function isPointerPath(rel: string): boolean {
  return rel.endsWith(POINTER_SUFFIX) && path.posix.basename(rel) !== POINTER_SUFFIX && !rel.startsWith('.cairn/');
}

export function isLockPath(rel: string): boolean {
  return path.posix.basename(rel) === LOCK_FILE_NAME;
}

function requireGit(repo: Repo, what: string): void {
  if (!repo.git) {
    throw new CairnError('USAGE', `${what} needs Git history, but ${repo.root} is not in a Git repository (cairn init --no-git)`, {
      hint: 'history needs Git: `git init` and commit there; `cairn status` shows what changed in the workspace',
    });
  }
}

/** The pointer files committed at `rev` (a branch, tag or commit), parsed. A malformed one is an INVALID error naming rev:path. */
export async function pointersAtRev(repo: Repo, rev: string): Promise<{ commit: string; pointers: TrackedPointer[] }> {
  requireGit(repo, `reading pointers at "${rev}"`);
  const commit = await resolveRev(repo.root, rev);
  const files = (await lsTree(repo.root, commit)).filter((e) => e.type === 'blob' && isPointerPath(e.path));
  const blobs = await catFileBatch(repo.root, [...new Set(files.map((f) => f.object))]);
  const pointers = files.map((f) => toTracked(f.path, blobs.get(f.object), rev));
  return { commit, pointers };
}

function toTracked(rel: string, bytes: Buffer | undefined, rev: string): TrackedPointer {
  if (!bytes) throw new CairnError('INTERNAL', `git could not read ${rel} at ${rev}`);
  try {
    // Parsed under its own path, since the pointer's path field is checked against the file name.
    return { pointerPath: rel, dataPath: dataPathFor(rel), pointer: parsePointer(bytes.toString('utf8'), rel) };
  } catch (err) {
    if (!isCairnError(err)) throw err;
    throw new CairnError(err.code, `${err.message} (at revision ${rev})`, {
      hint: `fix the pointer in a new commit, or compare other revisions`,
      data: { ...err.data, rev },
    });
  }
}

export interface HistoryScan {
  /** Every distinct pointer found in the commits (deduplicated by content). */
  pointers: TrackedPointer[];
  /** The text of every distinct `cairn.lock` found, with where it was seen (`rev:path`) and its repo-relative path. */
  lockFiles: { where: string; path: string; text: string }[];
  /** Pointer files that did not parse; they cannot say what they reference. */
  invalid: { where: string; message: string }[];
}

/**
 * Reads the pointer and `cairn.lock` files of many commits with one `git cat-file --batch`. Blobs shared by many
 * commits are read and parsed once. A malformed historic pointer is reported, not fatal: it must not block a gc forever.
 */
export async function scanCommits(repo: Repo, commits: string[]): Promise<HistoryScan> {
  if (commits.length === 0) return { pointers: [], lockFiles: [], invalid: [] };
  requireGit(repo, 'scanning commits');
  const wanted = new Map<string, CommittedFile & { commit: string }>();
  for (const commit of commits) {
    for (const e of await lsTree(repo.root, commit)) {
      if (e.type !== 'blob' || wanted.has(e.object)) continue;
      if (isPointerPath(e.path) || isLockPath(e.path)) wanted.set(e.object, { path: e.path, blob: e.object, commit });
    }
  }
  const blobs = await catFileBatch(repo.root, [...wanted.keys()]);
  const scan: HistoryScan = { pointers: [], lockFiles: [], invalid: [] };
  for (const file of wanted.values()) {
    const rev = file.commit.slice(0, 12);
    const where = `${rev}:${file.path}`;
    const bytes = blobs.get(file.blob);
    if (!bytes) continue;
    if (isLockPath(file.path)) {
      scan.lockFiles.push({ where, path: file.path, text: bytes.toString('utf8') });
      continue;
    }
    try {
      scan.pointers.push(toTracked(file.path, bytes, rev));
    } catch (err) {
      scan.invalid.push({ where, message: (err as Error).message });
    }
  }
  return scan;
}
