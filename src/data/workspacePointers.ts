import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isCairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { lsFiles } from '../git/git.js';
import { dataPathFor, POINTER_SUFFIX, readPointer } from './pointer.js';
import { isPointerPath, type TrackedPointer } from './pointersAtRev.js';

const SKIP_DIRS = new Set(['.git', '.cairn', 'node_modules']);

/** Pointer files in a folder tree without Git: every `*.cairn` file, not descending into tracked data folders. */
async function walkForPointers(root: string, rel = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  const out: string[] = [];
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name) || names.has(e.name + POINTER_SUFFIX)) continue;
      out.push(...(await walkForPointers(root, child)));
    } else if (e.isFile() && isPointerPath(child)) {
      out.push(child);
    }
  }
  return out;
}

/** Repo-relative paths of the pointer files in the workspace, sorted. */
export async function listWorkspacePointerPaths(repo: Repo): Promise<string[]> {
  const found = repo.git ? (await lsFiles(repo.root, [`*${POINTER_SUFFIX}`])).filter(isPointerPath) : await walkForPointers(repo.root);
  return found.sort();
}

/** The workspace's pointer files, parsed (a malformed one is an INVALID error naming the file and field). */
export async function readWorkspacePointers(repo: Repo): Promise<TrackedPointer[]> {
  const out: TrackedPointer[] = [];
  for (const rel of await listWorkspacePointerPaths(repo)) {
    try {
      const pointer = await readPointer(path.join(repo.root, rel));
      out.push({ pointerPath: rel, dataPath: dataPathFor(rel), pointer });
    } catch (err) {
      // Git still lists a committed pointer the user deleted from the workspace: it tracks nothing any more.
      if (isCairnError(err) && err.code === 'NOT_FOUND') continue;
      throw err;
    }
  }
  return out;
}
