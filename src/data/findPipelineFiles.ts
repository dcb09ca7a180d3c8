import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Repo } from '../core/repo.js';
import { git, lsFiles, showFile } from '../git/git.js';
import { POINTER_SUFFIX } from './pointer.js';

/**
 * Where the pipeline files of a repository are: every cairn.yaml outside ignored folders, as DVC collects every
 * dvc.yaml. In the data layer because push, pull, checkout and gc need the lock file beside each of them.
 */

export const PIPELINE_FILE = 'cairn.yaml';
export const PIPELINE_LOCK_FILE = 'cairn.lock';
const IGNORE_FILE = '.cairnignore';
/** Folders that never hold pipeline files: cairn's and Git's own. */
const NEVER = new Set(['.git', '.cairn']);

/** The folder of a pipeline file, repo-relative (`.` for the root). Pure. */
export function pipelineDir(file: string): string {
  return path.posix.dirname(file);
}

/** The lock file beside a pipeline file (`sub/cairn.lock` for `sub/cairn.yaml`). Pure. */
export function lockPathOf(file: string): string {
  const dir = pipelineDir(file);
  return dir === '.' ? PIPELINE_LOCK_FILE : `${dir}/${PIPELINE_LOCK_FILE}`;
}

/** A stage's address: its name in the root cairn.yaml, `path/to/cairn.yaml:name` in another pipeline file. Pure. */
export function stageAddress(file: string, localName: string): string {
  return file === PIPELINE_FILE ? localName : `${file}:${localName}`;
}

/** The pipeline file beside a lock file (`sub/cairn.yaml` for `sub/cairn.lock`). Pure. */
export function pipelineFileOfLock(lock: string): string {
  const dir = path.posix.dirname(lock);
  return dir === '.' ? PIPELINE_FILE : `${dir}/${PIPELINE_FILE}`;
}

/** Root file first, then by path, so errors and listings come in a stable order. Pure. */
export function sortPipelineFiles(files: Iterable<string>): string[] {
  return [...new Set(files)].sort((a, b) => (a === PIPELINE_FILE ? -1 : b === PIPELINE_FILE ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

function rulesIn(root: string, dir: string, cache: Map<string, Ignore | null>): Ignore | null {
  if (cache.has(dir)) return cache.get(dir)!;
  let rules: Ignore | null = null;
  try {
    const lines = readFileSync(path.join(root, dir, IGNORE_FILE), 'utf8').split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
    if (lines.length) rules = ignore().add(lines);
  } catch {
    // No .cairnignore in this folder.
  }
  cache.set(dir, rules);
  return rules;
}

/** Whether a repo-relative folder is ignored by a `.cairnignore` at the root or in a folder above it. */
function cairnIgnored(root: string, folder: string, cache: Map<string, Ignore | null>): boolean {
  const parts = folder.split('/');
  for (let i = 0; i < parts.length; i++) {
    const base = parts.slice(0, i).join('/');
    const rules = rulesIn(root, base, cache);
    if (rules?.ignores(`${parts.slice(i).join('/')}/`)) return true;
  }
  return false;
}

function keep(root: string, file: string, cache: Map<string, Ignore | null>): boolean {
  const dir = pipelineDir(file);
  if (dir === '.') return true;
  if (dir.split('/').some((p) => NEVER.has(p))) return false;
  // Any ancestor folder being ignored hides the file, as an ignored folder is never walked.
  const parts = dir.split('/');
  for (let i = 1; i <= parts.length; i++) if (cairnIgnored(root, parts.slice(0, i).join('/'), cache)) return false;
  return true;
}

/** Without Git: one walk that skips cairn's and Git's folders, `.cairnignore`d ones and folders tracked as data. */
function walk(root: string, cache: Map<string, Ignore | null>): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        // A folder tracked with `cairn add` (its `<name>.cairn` pointer beside it) is data, not pipeline files.
        if (!NEVER.has(e.name) && !names.has(`${e.name}${POINTER_SUFFIX}`) && !cairnIgnored(root, rel, cache)) visit(rel);
      } else if (e.name === PIPELINE_FILE) {
        found.push(rel);
      }
    }
  };
  visit('');
  return found;
}

/**
 * One `git ls-files` per opened repository: `cairn status` needs the pipeline files twice (the lock outputs of the
 * data part, the pipeline part), and on a large tree the listing costs about half of a `git status`. Whether each
 * file still exists is checked on every call.
 */
const listedByRepo = new WeakMap<Repo, Promise<string[]>>();

function gitCandidates(repo: Repo): Promise<string[]> {
  let hit = listedByRepo.get(repo);
  if (!hit) {
    hit = lsFiles(repo.root, [PIPELINE_FILE, `*/${PIPELINE_FILE}`]).then((files) => files.filter((f) => path.posix.basename(f) === PIPELINE_FILE));
    listedByRepo.set(repo, hit);
    hit.catch(() => listedByRepo.delete(repo));
  }
  return hit;
}

/**
 * Every pipeline file of the workspace, repo-relative, root first. With Git, `git ls-files` (tracked and untracked,
 * without .gitignore'd ones) finds them without walking data folders; `.cairnignore`d folders are left out as well.
 */
export async function findPipelineFiles(repo: Repo): Promise<string[]> {
  const cache = new Map<string, Ignore | null>();
  const listed = repo.git ? await gitCandidates(repo) : walk(repo.root, cache);
  const candidates = listed.filter((f) => existsSync(path.join(repo.root, f)));
  // A root cairn.yaml counts even when Git ignores it (it is the file `cairn stage add` writes).
  if (existsSync(path.join(repo.root, PIPELINE_FILE))) candidates.push(PIPELINE_FILE);
  return sortPipelineFiles(candidates.filter((f) => keep(repo.root, f, cache)));
}

/** The pipeline files committed at a revision (paths relative to the cairn root), root first. */
export async function pipelineFilesAt(repo: Repo, rev: string): Promise<string[]> {
  const r = await git(repo.root, ['ls-tree', '-r', '-z', '--name-only', rev, '--', '.']);
  const files = r.stdout.split('\0').filter((f) => f && path.posix.basename(f) === PIPELINE_FILE);
  return sortPipelineFiles(files.filter((f) => !pipelineDir(f).split('/').some((p) => NEVER.has(p))));
}


/** The text of every lock file beside a pipeline file at a revision (those that exist there). */
export async function lockFilesAt(repo: Repo, rev: string): Promise<{ lock: string; text: string }[]> {
  const locks = (await pipelineFilesAt(repo, rev)).map(lockPathOf);
  // `./` makes the path relative to the cairn root, which may sit below the Git top level.
  const texts = await Promise.all(locks.map((l) => showFile(repo.root, rev, `./${l}`)));
  return locks.flatMap((lock, i) => (texts[i] === null ? [] : [{ lock, text: texts[i]! }]));
}
