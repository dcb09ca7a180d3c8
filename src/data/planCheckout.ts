import type { TreeEntry } from './tree.js';

/** A workspace file as it is now: its path below the tracked path ('' for the tracked path itself) and its oid. */
export interface CurrentFile {
  path: string;
  oid: string;
  exec: boolean;
}

export interface CheckoutPlan {
  add: TreeEntry[];
  modify: TreeEntry[];
  /** Paths to remove: files that the recorded version does not have. */
  delete: string[];
  unchanged: number;
  /** Paths whose current content would be lost: it differs from the recorded version and is not in the cache. */
  conflicts: string[];
}

/**
 * Plans a checkout: what to add, replace and delete so the workspace matches `desired`, touching nothing that
 * already matches. Pure: the caller supplies the current files and a cache-membership test.
 */
export function planCheckout(desired: TreeEntry[], current: CurrentFile[], inCache: (oid: string) => boolean): CheckoutPlan {
  const now = new Map(current.map((c) => [c.path, c]));
  const plan: CheckoutPlan = { add: [], modify: [], delete: [], unchanged: 0, conflicts: [] };
  const wanted = new Set<string>();
  for (const e of desired) {
    wanted.add(e.path);
    const c = now.get(e.path);
    if (!c) plan.add.push(e);
    else if (c.oid === e.oid && c.exec === e.exec) plan.unchanged++;
    else {
      plan.modify.push(e);
      if (c.oid !== e.oid && !inCache(c.oid)) plan.conflicts.push(e.path);
    }
  }
  for (const c of current) {
    if (wanted.has(c.path)) continue;
    plan.delete.push(c.path);
    if (!inCache(c.oid)) plan.conflicts.push(c.path);
  }
  plan.conflicts.sort();
  return plan;
}
