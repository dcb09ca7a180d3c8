import type { Repo } from '../core/repo.js';
import { CairnError } from '../core/errors.js';
import { expandPointers, type TrackedFile, type UnreadableTree } from './expandPointers.js';
import { ObjectStore } from './objectStore.js';
import { POINTER_SUFFIX } from './pointer.js';
import type { TrackedPointer } from './pointersAtRev.js';
import { trackedAtRev } from './trackedAtRev.js';
import { readWorkspaceTracked } from './workspacePointers.js';

/** One line of `cairn ls`: a tracked file, a tracked directory, or a folder inside a tracked directory. */
export interface ListedEntry {
  path: string;
  kind: 'file' | 'dir';
  /** Blob oid of a file, tree oid of a tracked directory; absent for a folder inside a tracked directory. */
  oid?: string;
  size: number;
  /** Number of files, for directories. */
  files?: number;
  exec?: boolean;
  /** Whether this entry is a tracked path itself (has a pointer file, or is a stage output cairn.lock records). */
  tracked: boolean;
  /** The stage that produces it, for a pipeline output recorded in cairn.lock (and the files inside one). */
  stage?: string;
}

export interface ListResult {
  /** The commit listed, or null for the workspace pointers. */
  commit: string | null;
  entries: ListedEntry[];
  unreadable: UnreadableTree[];
}

const under = (p: string, prefix: string) => prefix === '' || p === prefix || p.startsWith(prefix + '/');

/**
 * What `cairn ls` shows for `prefix` (repo-relative, '' for everything). Not recursive: the tracked paths under the
 * prefix, or, inside a tracked directory, its direct children (sub-folders summed up). Recursive: every file. Pure.
 */
export function listLevel(pointers: TrackedPointer[], files: TrackedFile[], prefix: string, recursive: boolean): ListedEntry[] {
  const outputs = pointers.filter((p) => p.output);
  return listEntries(pointers, files, prefix, recursive).map((e) => {
    const owner = outputs.find((o) => e.path === o.dataPath || e.path.startsWith(`${o.dataPath}/`));
    return owner ? { ...e, stage: owner.output!.stage } : e;
  });
}

function listEntries(pointers: TrackedPointer[], files: TrackedFile[], prefix: string, recursive: boolean): ListedEntry[] {
  const inside = pointers.find((p) => p.pointer.kind === 'dir' && prefix !== '' && (prefix === p.dataPath || prefix.startsWith(p.dataPath + '/')));
  if (recursive) {
    return files
      .filter((f) => under(f.path, prefix))
      .map((f) => (f.unexpanded
        ? { path: f.path, kind: 'dir' as const, oid: f.oid, size: f.size, tracked: true }
        : { path: f.path, kind: 'file' as const, oid: f.oid, size: f.size, ...(f.exec ? { exec: true } : {}), tracked: f.path === f.tracked }))
      .sort(byPath);
  }
  if (!inside) {
    return pointers
      .filter((p) => under(p.dataPath, prefix))
      .map(({ dataPath, pointer }) => ({
        path: dataPath,
        kind: pointer.kind,
        oid: pointer.oid,
        size: pointer.size,
        ...(pointer.kind === 'dir' ? { files: pointer.files } : {}),
        ...(pointer.exec ? { exec: true } : {}),
        tracked: true,
      }))
      .sort(byPath);
  }
  // Inside a tracked directory: one level below the prefix, grouping deeper files into their folder.
  const children = new Map<string, ListedEntry>();
  for (const f of files) {
    if (f.tracked !== inside.dataPath || f.unexpanded || !f.path.startsWith(prefix + '/')) {
      if (f.path === prefix && !f.unexpanded) children.set(f.path, { path: f.path, kind: 'file', oid: f.oid, size: f.size, tracked: false });
      continue;
    }
    const rest = f.path.slice(prefix.length + 1);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      children.set(f.path, { path: f.path, kind: 'file', oid: f.oid, size: f.size, ...(f.exec ? { exec: true } : {}), tracked: false });
      continue;
    }
    const folder = `${prefix}/${rest.slice(0, slash)}`;
    const entry = children.get(folder) ?? { path: folder, kind: 'dir' as const, size: 0, files: 0, tracked: false };
    entry.size += f.size;
    entry.files = (entry.files ?? 0) + 1;
    children.set(folder, entry);
  }
  return [...children.values()].sort(byPath);
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Lists tracked data at a revision (or in the workspace pointers when `rev` is undefined) under a repo-relative path. */
export async function listTracked(repo: Repo, options: { rev?: string; path?: string; recursive?: boolean }): Promise<ListResult> {
  let prefix = (options.path ?? '').replace(/\/+$/, '');
  if (prefix.endsWith(POINTER_SUFFIX)) prefix = prefix.slice(0, -POINTER_SUFFIX.length);
  const { commit, pointers } = options.rev !== undefined
    ? await trackedAtRev(repo, options.rev)
    : { commit: null, pointers: await readWorkspaceTracked(repo) };
  const relevant = pointers.filter((p) => under(p.dataPath, prefix) || under(prefix, p.dataPath));
  const { files, unreadable } = await expandPointers(new ObjectStore(repo.cacheDir), relevant);
  const entries = listLevel(relevant, files, prefix, Boolean(options.recursive));
  if (prefix !== '' && entries.length === 0) {
    const insideMissing = unreadable.find((u) => under(prefix, u.path));
    const where = options.rev !== undefined ? `at ${options.rev}` : 'in the workspace pointers';
    throw new CairnError('NOT_FOUND', insideMissing
      ? `cannot list ${prefix}: the tree object ${insideMissing.oid} of ${insideMissing.path} is not in the cache`
      : `nothing tracked at ${prefix} ${where}`, {
      hint: insideMissing ? 'fetch it with `cairn pull`' : 'run `cairn ls` without a path to see what is tracked',
    });
  }
  return { commit, entries, unreadable };
}
