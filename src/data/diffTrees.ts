/** One file of tracked data at one side of a diff: its repo-relative `/`-separated path, oid and size. */
export interface FileListingEntry {
  path: string;
  oid: string;
  size: number;
}

export interface ModifiedEntry {
  path: string;
  old: { oid: string; size: number };
  new: { oid: string; size: number };
}

export interface RenamedEntry {
  from: string;
  to: string;
  oid: string;
  size: number;
}

/** What changed between two file listings. Every list is sorted by path (renames by their new path). */
export interface DataDiff {
  added: FileListingEntry[];
  modified: ModifiedEntry[];
  deleted: FileListingEntry[];
  renamed: RenamedEntry[];
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Compares two listings of files. A file that disappeared from one path and appeared with the same oid at another
 * is a rename (pairs are made in path order, so the result is the same on every run). Pure.
 */
export function diffTrees(before: FileListingEntry[], after: FileListingEntry[]): DataDiff {
  const old = new Map(before.map((e) => [e.path, e]));
  const cur = new Map(after.map((e) => [e.path, e]));
  const added: FileListingEntry[] = [];
  const deleted: FileListingEntry[] = [];
  const modified: ModifiedEntry[] = [];
  for (const e of after) {
    const prev = old.get(e.path);
    if (!prev) added.push({ path: e.path, oid: e.oid, size: e.size });
    else if (prev.oid !== e.oid) {
      modified.push({ path: e.path, old: { oid: prev.oid, size: prev.size }, new: { oid: e.oid, size: e.size } });
    }
  }
  for (const e of before) if (!cur.has(e.path)) deleted.push({ path: e.path, oid: e.oid, size: e.size });
  added.sort(byPath);
  deleted.sort(byPath);
  modified.sort(byPath);

  // Pair deletions with additions of the same content: each addition is used at most once.
  const addedByOid = new Map<string, FileListingEntry[]>();
  for (const e of added) {
    const list = addedByOid.get(e.oid);
    if (list) list.push(e);
    else addedByOid.set(e.oid, [e]);
  }
  const renamed: RenamedEntry[] = [];
  const pairedAdds = new Set<FileListingEntry>();
  const keptDeletes: FileListingEntry[] = [];
  for (const d of deleted) {
    const candidate = addedByOid.get(d.oid)?.shift();
    if (candidate) {
      pairedAdds.add(candidate);
      renamed.push({ from: d.path, to: candidate.path, oid: d.oid, size: d.size });
    } else {
      keptDeletes.push(d);
    }
  }
  renamed.sort((a, b) => byPath({ path: a.to }, { path: b.to }));
  return { added: added.filter((e) => !pairedAdds.has(e)), modified, deleted: keptDeletes, renamed };
}

export function isEmptyDiff(d: DataDiff): boolean {
  return d.added.length + d.modified.length + d.deleted.length + d.renamed.length === 0;
}
