import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decodeIndex, indexEntryAt, packChecksumOk, scanPack, type IndexEntry } from './packFormat.js';
import { PACKS_DIR, packFile, packNameOf } from './packPaths.js';

export interface PackProblem {
  /** The pack's name (its file is `packs/<name>.pack`, its index `packs/<name>.idx`). */
  pack: string;
  problem: string;
}

export interface PackCheck {
  packs: number;
  objects: number;
  bytes: number;
  damaged: PackProblem[];
  /** Objects in a pack whose bytes do not hash to their oid, with the pack holding them. */
  corrupt: Array<{ oid: string; size: number; pack: string }>;
  /** Packs without an index (a writer killed between its two renames): harmless, unreachable, removed by gc. */
  unindexed: string[];
  /** Every oid found intact in some pack. */
  intact: Set<string>;
}

/**
 * Verifies every pack of the store at `root`: the pack's trailer, its index's checksum, that the index lists exactly
 * the objects the pack holds at the places it holds them, and every object's hash. A pack without an index (a
 * writer killed between the two renames) is listed apart: no index names its bytes, so nothing depends on it.
 */
export async function verifyPacks(root: string): Promise<PackCheck> {
  const out: PackCheck = { packs: 0, objects: 0, bytes: 0, damaged: [], corrupt: [], unindexed: [], intact: new Set() };
  const names = await fs.readdir(path.join(root, PACKS_DIR)).catch(() => [] as string[]);
  const packs = new Set(names.map((n) => packNameOf(n, 'pack')).filter((n): n is string => n !== null));
  const idxs = new Set(names.map((n) => packNameOf(n, 'idx')).filter((n): n is string => n !== null));
  for (const name of [...idxs].filter((n) => !packs.has(n)).sort()) out.damaged.push({ pack: name, problem: 'its index names a pack file that is missing' });
  for (const name of [...packs].sort()) {
    out.packs++;
    const bytes = await fs.readFile(packFile(root, name, 'pack'));
    const problems: string[] = [];
    if (!packChecksumOk(bytes)) problems.push('pack checksum mismatch');
    if (bytes.length >= 32 && bytes.toString('hex', bytes.length - 32) !== name) problems.push('pack name does not match its trailer');
    if (!idxs.has(name)) {
      out.unindexed.push(name);
      continue;
    }
    const index = await readIndexEntries(root, name);
    if (index.problem) problems.push(index.problem);
    let entries: IndexEntry[];
    try {
      entries = scanPack(bytes, `${PACKS_DIR}/${name}.pack`);
      if (index.entries) problems.push(...compareIndex(index.entries, entries));
    } catch (err) {
      problems.push((err as Error).message);
      // The pack's own framing is broken: its index still says where each object should be, so each can be named.
      entries = (index.entries ?? []).filter((e) => e.offset + e.length <= bytes.length);
    }
    for (const e of entries) {
      out.objects++;
      out.bytes += e.length;
      const got = createHash('sha256').update(bytes.subarray(e.offset, e.offset + e.length)).digest('hex');
      if (got === e.oid) out.intact.add(e.oid);
      else out.corrupt.push({ oid: e.oid, size: e.length, pack: name });
    }
    if (problems.length) out.damaged.push({ pack: name, problem: problems.join('; ') });
  }
  return out;
}

async function readIndexEntries(root: string, name: string): Promise<{ entries: IndexEntry[] | null; problem?: string }> {
  try {
    const index = decodeIndex(await fs.readFile(packFile(root, name, 'idx')), `${PACKS_DIR}/${name}.idx`);
    if (index.packName !== name) return { entries: null, problem: 'its index belongs to another pack' };
    return { entries: Array.from({ length: index.count }, (_, i) => indexEntryAt(index, i)) };
  } catch (err) {
    return { entries: null, problem: (err as Error).message };
  }
}

/** Problems with an index that does not list exactly what the pack holds where it holds it. */
function compareIndex(indexed: IndexEntry[], inPack: IndexEntry[]): string[] {
  const byOid = new Map(inPack.map((e) => [e.oid, e]));
  if (indexed.length !== byOid.size) return [`its index lists ${indexed.length} objects, the pack holds ${byOid.size}`];
  const wrong = indexed.find((e) => byOid.get(e.oid)?.offset !== e.offset || byOid.get(e.oid)?.length !== e.length);
  return wrong ? [`its index places object ${wrong.oid} where the pack does not hold it`] : [];
}
