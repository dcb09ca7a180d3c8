import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeIndex, findInIndex, indexEntryAt, type PackIndex } from './packFormat.js';
import { PACKS_DIR, packFile, packNameOf } from './packPaths.js';

/** Where a packed object's bytes are. */
export interface PackedLocation {
  pack: string;
  /** Absolute path of the pack file. */
  file: string;
  offset: number;
  length: number;
}

/** Entries per pack are numbered below this in the merged table (a pack holds far fewer objects). */
const ENTRY_SPAN = 2 ** 24;

/**
 * The cache-level pack index: every per-pack index of one store merged into one in-memory table, loaded lazily on
 * first use. The table maps the first 48 bits of an oid to (pack, entry), which costs one Map lookup per oid however
 * many packs there are; a rare 48-bit collision goes to a second, exact map. Damaged indexes are left out and listed
 * in `damaged` (fsck names them).
 */
export class PackSet {
  private indexes: PackIndex[] = [];
  private names = new Set<string>();
  private byPrefix = new Map<number, number>();
  private exact = new Map<string, number>();
  private dirStamp: string | null = null;
  private loaded = false;
  damaged: Array<{ name: string; error: Error }> = [];

  /**
   * `packFileOf` says where a pack's bytes are (default: beside its index); `only` limits the set to these pack names
   * (a folder of index copies shared by several remotes, of which one remote holds some).
   */
  constructor(
    readonly root: string,
    private readonly options: { only?: () => Set<string>; packFileOf?: (name: string) => string } = {},
  ) {}

  private stamp(): string {
    const st = statSync(path.join(this.root, PACKS_DIR), { bigint: true, throwIfNoEntry: false });
    return st ? `${st.ino}:${st.mtimeNs}` : '-';
  }

  /** Reads the pack folder again; packs that vanished (a repack) make it rebuild the table from scratch. */
  refresh(): void {
    const stamp = this.stamp();
    let files: string[] = [];
    try {
      files = readdirSync(path.join(this.root, PACKS_DIR));
    } catch {
      /* no packs yet */
    }
    const only = this.options.only?.();
    const present = new Set(files.map((f) => packNameOf(f, 'idx')).filter((n): n is string => n !== null && (!only || only.has(n))));
    if ([...this.names].some((n) => !present.has(n))) this.clear();
    for (const name of [...present].sort()) if (!this.names.has(name)) this.loadIndex(name);
    this.dirStamp = stamp;
    this.loaded = true;
  }

  private clear(): void {
    this.indexes = [];
    this.names.clear();
    this.byPrefix.clear();
    this.exact.clear();
    this.damaged = [];
  }

  private loadIndex(name: string): void {
    let index: PackIndex;
    try {
      index = decodeIndex(readFileSync(packFile(this.root, name, 'idx')), `${PACKS_DIR}/${name}.idx`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.damaged.push({ name, error: err as Error });
      this.names.add(name);
      return;
    }
    this.add(name, index);
  }

  /** Adds an index this process just wrote, without reading it back. */
  add(name: string, index: PackIndex): void {
    if (this.names.has(name)) return;
    this.names.add(name);
    const packNo = this.indexes.push(index) - 1;
    const b = index.bytes;
    for (let i = 0; i < index.count; i++) {
      const at = 16 + 1024 + i * 48;
      const key = b.readUIntBE(at, 6);
      const value = packNo * ENTRY_SPAN + i;
      const old = this.byPrefix.get(key);
      if (old === undefined) this.byPrefix.set(key, value);
      else if (!this.sameOid(old, b, at)) this.exact.set(b.toString('hex', at, at + 32), value);
    }
  }

  private sameOid(value: number, b: Buffer, at: number): boolean {
    const other = this.indexes[Math.floor(value / ENTRY_SPAN)];
    const oAt = 16 + 1024 + (value % ENTRY_SPAN) * 48;
    return other.bytes.compare(b, at, at + 32, oAt, oAt + 32) === 0;
  }

  /** The object's place in a pack, or null. With `fresh`, a miss re-reads the pack folder when it changed. */
  lookup(oid: string, fresh = false): PackedLocation | null {
    if (!this.loaded) this.refresh();
    const hit = this.find(oid);
    if (hit || !fresh || this.stamp() === this.dirStamp) return hit;
    this.refresh();
    return this.find(oid);
  }

  private find(oid: string): PackedLocation | null {
    const value = this.byPrefix.get(parseInt(oid.slice(0, 12), 16));
    if (value === undefined) return null;
    let index = this.indexes[Math.floor(value / ENTRY_SPAN)];
    let entry = indexEntryAt(index, value % ENTRY_SPAN);
    if (entry.oid !== oid) {
      const exact = this.exact.get(oid);
      if (exact === undefined) return null;
      index = this.indexes[Math.floor(exact / ENTRY_SPAN)];
      entry = findInIndex(index, oid)!;
    }
    const file = this.options.packFileOf?.(index.packName) ?? packFile(this.root, index.packName, 'pack');
    return { pack: index.packName, file, offset: entry.offset, length: entry.length };
  }

  /** Every pack's index (loaded ones), for listing, fsck and repack. */
  all(): PackIndex[] {
    if (!this.loaded) this.refresh();
    return [...this.indexes];
  }
}

const sets = new Map<string, PackSet>();

/** The process-wide PackSet of a store root (one per thread; workers have their own). */
export function packSetFor(root: string): PackSet {
  let set = sets.get(root);
  if (!set) sets.set(root, (set = new PackSet(root)));
  return set;
}
