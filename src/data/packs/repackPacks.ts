import { promises as fs } from 'node:fs';
import path from 'node:path';
import { indexEntryAt, type IndexEntry, type PackEntry, type PackIndex } from './packFormat.js';
import { PACKS_DIR, packFile, packNameOf } from './packPaths.js';
import { packSetFor } from './packSet.js';
import { readRangeSync } from './locateObject.js';
import { writePackSync } from './writePack.js';

/** A pack is rewritten when more than this share of its bytes is garbage (as `git gc` and restic's prune do). */
export const REPACK_GARBAGE_SHARE = 0.5;
/** A pack without an index this old is a writer's leftover (a kill between its two renames), not one in progress. */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

export interface RepackResult {
  /** Packs rewritten without their garbage, and packs deleted outright (all garbage, or orphans). */
  rewritten: number;
  deleted: number;
  /** Garbage objects whose bytes were freed, and those left in packs that are mostly live. */
  dropped: number;
  droppedBytes: number;
  keptGarbage: number;
}

/** What a gc does with one pack, given the garbage oids. Pure. */
export function planRepack(entries: IndexEntry[], garbage: Set<string>): { action: 'none' | 'keep' | 'rewrite' | 'delete'; live: IndexEntry[]; dead: number; deadBytes: number } {
  const live = entries.filter((e) => !garbage.has(e.oid));
  const dead = entries.length - live.length;
  const deadBytes = entries.reduce((n, e) => n + (garbage.has(e.oid) ? e.length : 0), 0);
  const allBytes = entries.reduce((n, e) => n + e.length, 0);
  if (!dead) return { action: 'none', live, dead, deadBytes };
  if (!live.length) return { action: 'delete', live, dead, deadBytes };
  const mostlyGarbage = deadBytes > allBytes * REPACK_GARBAGE_SHARE || dead > entries.length * REPACK_GARBAGE_SHARE;
  return { action: mostlyGarbage ? 'rewrite' : 'keep', live, dead, deadBytes };
}

/** The entries of an index, in oid order. */
export function indexEntries(index: PackIndex): IndexEntry[] {
  return Array.from({ length: index.count }, (_, i) => indexEntryAt(index, i));
}

/**
 * Runs the repack plan over a store's packs: `rewrite` writes a pack's live objects as a new pack (durable before it
 * returns), and only then does `remove` take the old pack (its index first). Shared by the cache and remotes.
 */
export async function repackEach(
  indexes: PackIndex[], garbage: Set<string>,
  ops: { rewrite(index: PackIndex, live: IndexEntry[]): Promise<void>; remove(name: string): Promise<void> },
): Promise<RepackResult> {
  const out: RepackResult = { rewritten: 0, deleted: 0, dropped: 0, droppedBytes: 0, keptGarbage: 0 };
  for (const index of indexes) {
    const plan = planRepack(indexEntries(index), garbage);
    if (plan.action === 'none') continue;
    if (plan.action === 'keep') {
      out.keptGarbage += plan.dead;
      continue;
    }
    if (plan.action === 'rewrite') {
      await ops.rewrite(index, plan.live);
      out.rewritten++;
    } else {
      out.deleted++;
    }
    await ops.remove(index.packName);
    out.dropped += plan.dead;
    out.droppedBytes += plan.deadBytes;
  }
  return out;
}

/**
 * The packed half of a gc: every pack whose objects are mostly garbage is rewritten with only its live objects (the
 * new pack durable first, then the old index goes, then the old pack), and a pack of nothing but garbage is deleted
 * (index first). Readers meanwhile find every live object in the old pack or the new one.
 */
export async function repackPacks(root: string, garbage: Set<string>, now = Date.now()): Promise<RepackResult> {
  const set = packSetFor(root);
  set.refresh();
  const out = await repackEach(set.all(), garbage, {
    rewrite: async (index, live) => {
      const file = packFile(root, index.packName, 'pack');
      const kept: PackEntry[] = live.map((e) => ({ oid: e.oid, data: readRangeSync(file, e.offset, e.length) }));
      const written = writePackSync(root, kept, { durableIndex: true });
      set.add(written.name, written.index);
    },
    remove: async (name) => {
      await fs.rm(packFile(root, name, 'idx'), { force: true });
      await fs.rm(packFile(root, name, 'pack'), { force: true });
    },
  });
  // Leftovers of killed writers: a pack with no index names nothing, and one this old is not being written.
  const names = await fs.readdir(path.join(root, PACKS_DIR)).catch(() => [] as string[]);
  const indexed = new Set(names.map((n) => packNameOf(n, 'idx')));
  for (const n of names) {
    const name = packNameOf(n, 'pack');
    if (!name || indexed.has(name)) continue;
    const st = await fs.stat(packFile(root, name, 'pack')).catch(() => null);
    if (st && now - st.mtimeMs > ORPHAN_AGE_MS) {
      await fs.rm(packFile(root, name, 'pack'), { force: true });
      out.deleted++;
    }
  }
  set.refresh();
  return out;
}
