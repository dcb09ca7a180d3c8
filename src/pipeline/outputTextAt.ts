import { ObjectStore } from '../data/objectStore.js';
import { parseTree } from '../data/tree.js';
import type { Repo } from '../core/repo.js';
import { resolveRev, showFile } from '../git/git.js';
import { lockFilesAt } from '../data/findPipelineFiles.js';
import { parseLock, type LockOut } from './lockFile.js';

/**
 * A metrics or params file's text at a revision, also when it is a cached pipeline output (so not in Git): then it is
 * read from the cache through the outputs that revision's cairn.lock files record, as DVC reads them through dvc.lock.
 * DVCLive's layout (`outs: [dvclive]` with `dvclive/metrics.json` inside) needs this for `metrics diff HEAD`.
 */
export async function outputTextAt(repo: Repo, file: string, rev: string): Promise<string | null> {
  const text = await showFile(repo.root, rev, `./${file}`);
  if (text !== null) return text;
  const outs = await lockedOutsAt(repo, rev);
  const out = outs.find((o) => o.cache !== false && (o.path === file || file.startsWith(`${o.path}/`)));
  if (!out) return null;
  const store = new ObjectStore(repo.cacheDir);
  try {
    if (out.files === undefined) return out.path === file ? (await store.read(out.oid)).toString('utf8') : null;
    const entry = parseTree(await store.read(out.oid), out.oid).entries.find((e) => `${out.path}/${e.path}` === file);
    return entry ? (await store.read(entry.oid)).toString('utf8') : null;
  } catch {
    // Not in the local cache (never pulled): the file is absent at that revision as far as this clone knows.
    return null;
  }
}

/** The files of a cached folder output at a revision (repo-relative), or null when `dir` is no such output there. */
export async function cachedFilesUnder(repo: Repo, dir: string, rev: string): Promise<string[] | null> {
  const out = (await lockedOutsAt(repo, rev)).find((o) => o.cache !== false && o.files !== undefined && o.path === dir);
  if (!out) return null;
  try {
    return parseTree(await new ObjectStore(repo.cacheDir).read(out.oid), out.oid).entries.map((e) => `${dir}/${e.path}`);
  } catch {
    return null;
  }
}

/** By commit id: what a commit records never changes, so the memo cannot go stale (a branch name would). */
const memo = new Map<string, Promise<LockOut[]>>();

/** Every output the cairn.lock files of a revision record (read once per process and commit). */
async function lockedOutsAt(repo: Repo, rev: string): Promise<LockOut[]> {
  let commit: string;
  try {
    commit = await resolveRev(repo.root, rev);
  } catch {
    // No such revision (a repository without commits yet): nothing is recorded there.
    return [];
  }
  const key = `${repo.root}\0${commit}`;
  let hit = memo.get(key);
  if (!hit) {
    hit = (async () => {
      const outs: LockOut[] = [];
      for (const { lock, text } of await lockFilesAt(repo, commit)) {
        try {
          for (const entry of Object.values(parseLock(text, `${rev}:${lock}`).stages)) outs.push(...entry.outs);
        } catch {
          // A malformed old lock hides only its own outputs.
        }
      }
      return outs;
    })();
    memo.set(key, hit);
  }
  return hit;
}
