import { createHash } from 'node:crypto';
import { CairnError } from '../../core/errors.js';

/**
 * The pack and index formats (docs/formats.md, "Packs"), pure: bytes in, bytes out. Modelled on Git's pack + idx:
 * a pack holds objects back to back, each behind its own oid and length, so a pack can be re-indexed and verified
 * without its index; the index is a sorted table with a 256-entry fan-out for binary search. Both end in a SHA-256 of
 * everything before it, and a pack's name is its trailer, so a name never matches bytes it does not hold.
 */

export const PACK_MAGIC = Buffer.from('CAIRNPK\0', 'latin1');
export const INDEX_MAGIC = Buffer.from('CAIRNIX\0', 'latin1');
export const PACK_VERSION = 1;
/** Magic, version, count. */
export const HEADER_SIZE = 16;
/** Per object in a pack: raw oid (32) + length (u64), then the bytes. */
export const ENTRY_HEADER_SIZE = 40;
/** Per object in an index: raw oid (32) + offset of its bytes in the pack (u64) + length (u64). */
export const INDEX_ENTRY_SIZE = 48;
const FANOUT_SIZE = 256 * 4;
const TRAILER_SIZE = 32;

export interface PackEntry {
  oid: string;
  data: Uint8Array;
}

export interface IndexEntry {
  oid: string;
  /** Where the object's bytes start in the pack file. */
  offset: number;
  length: number;
}

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The pack bytes, its name (the hex trailer) and the index entries, in pack order. Entries must have distinct oids. */
export function encodePack(entries: PackEntry[]): { bytes: Buffer; name: string; index: IndexEntry[] } {
  const total = HEADER_SIZE + entries.reduce((n, e) => n + ENTRY_HEADER_SIZE + e.data.length, 0) + TRAILER_SIZE;
  const out = Buffer.allocUnsafe(total);
  PACK_MAGIC.copy(out, 0);
  out.writeUInt32BE(PACK_VERSION, 8);
  out.writeUInt32BE(entries.length, 12);
  let at = HEADER_SIZE;
  const index: IndexEntry[] = [];
  for (const e of entries) {
    out.write(e.oid, at, 32, 'hex');
    out.writeBigUInt64BE(BigInt(e.data.length), at + 32);
    at += ENTRY_HEADER_SIZE;
    out.set(e.data, at);
    index.push({ oid: e.oid, offset: at, length: e.data.length });
    at += e.data.length;
  }
  const trailer = sha256(out.subarray(0, at));
  trailer.copy(out, at);
  return { bytes: out, name: trailer.toString('hex'), index };
}

/** The index file for a pack: entries sorted by oid behind a fan-out table, then the pack's trailer and its own. */
export function encodeIndex(packName: string, entries: IndexEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const out = Buffer.alloc(HEADER_SIZE + FANOUT_SIZE + sorted.length * INDEX_ENTRY_SIZE + 2 * TRAILER_SIZE);
  INDEX_MAGIC.copy(out, 0);
  out.writeUInt32BE(PACK_VERSION, 8);
  out.writeUInt32BE(sorted.length, 12);
  const counts = new Array<number>(256).fill(0);
  for (const e of sorted) counts[parseInt(e.oid.slice(0, 2), 16)]++;
  let cumulative = 0;
  for (let b = 0; b < 256; b++) {
    cumulative += counts[b];
    out.writeUInt32BE(cumulative, HEADER_SIZE + 4 * b);
  }
  let at = HEADER_SIZE + FANOUT_SIZE;
  for (const e of sorted) {
    out.write(e.oid, at, 32, 'hex');
    out.writeBigUInt64BE(BigInt(e.offset), at + 32);
    out.writeBigUInt64BE(BigInt(e.length), at + 40);
    at += INDEX_ENTRY_SIZE;
  }
  out.write(packName, at, 32, 'hex');
  sha256(out.subarray(0, at + 32)).copy(out, at + 32);
  return out;
}

/** A parsed index: lookups binary-search the raw bytes, so loading one costs a read and a checksum, not a parse. */
export interface PackIndex {
  packName: string;
  count: number;
  bytes: Buffer;
}

function badIndex(what: string, why: string): CairnError {
  return new CairnError('INTEGRITY', `pack index ${what} is damaged: ${why}`, {
    hint: 'run `cairn fsck`; an index can be rebuilt from its pack, and a damaged pack re-fetched with `cairn pull`',
    data: { index: what },
  });
}

/** Checks an index's header, size and checksum; throws INTEGRITY naming `what` when any is wrong. */
export function decodeIndex(bytes: Buffer, what: string): PackIndex {
  if (bytes.length < HEADER_SIZE + FANOUT_SIZE + 2 * TRAILER_SIZE || !bytes.subarray(0, 8).equals(INDEX_MAGIC)) throw badIndex(what, 'not a cairn pack index');
  if (bytes.readUInt32BE(8) !== PACK_VERSION) throw badIndex(what, `unknown version ${bytes.readUInt32BE(8)}`);
  const count = bytes.readUInt32BE(12);
  const end = HEADER_SIZE + FANOUT_SIZE + count * INDEX_ENTRY_SIZE;
  if (bytes.length !== end + 2 * TRAILER_SIZE) throw badIndex(what, 'wrong length');
  if (!sha256(bytes.subarray(0, end + 32)).equals(bytes.subarray(end + 32))) throw badIndex(what, 'checksum mismatch');
  return { packName: bytes.subarray(end, end + 32).toString('hex'), count, bytes };
}

/** Entry `i` (in oid order) of an index. */
export function indexEntryAt(index: PackIndex, i: number): IndexEntry {
  const at = HEADER_SIZE + FANOUT_SIZE + i * INDEX_ENTRY_SIZE;
  const b = index.bytes;
  return { oid: b.toString('hex', at, at + 32), offset: Number(b.readBigUInt64BE(at + 32)), length: Number(b.readBigUInt64BE(at + 40)) };
}

/** Binary search within the oid's fan-out bucket; the entry or null. */
export function findInIndex(index: PackIndex, oid: string): IndexEntry | null {
  const key = Buffer.from(oid, 'hex');
  const b = index.bytes;
  const first = key[0];
  let lo = first === 0 ? 0 : b.readUInt32BE(HEADER_SIZE + 4 * (first - 1));
  let hi = b.readUInt32BE(HEADER_SIZE + 4 * first);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = HEADER_SIZE + FANOUT_SIZE + mid * INDEX_ENTRY_SIZE;
    const c = b.compare(key, 0, 32, at, at + 32);
    if (c === 0) return indexEntryAt(index, mid);
    if (c > 0) hi = mid;
    else lo = mid + 1;
  }
  return null;
}

/** The entries of a pack read from its own bytes (for fsck and for rebuilding a lost index); throws on damage. */
export function scanPack(bytes: Buffer, what: string): IndexEntry[] {
  const bad = (why: string) => new CairnError('INTEGRITY', `pack ${what} is damaged: ${why}`, {
    hint: 'run `cairn fsck --repair` to quarantine it, then `cairn pull` (or re-add the data) to get good copies',
    data: { pack: what },
  });
  if (bytes.length < HEADER_SIZE + TRAILER_SIZE || !bytes.subarray(0, 8).equals(PACK_MAGIC)) throw bad('not a cairn pack');
  const count = bytes.readUInt32BE(12);
  const end = bytes.length - TRAILER_SIZE;
  const out: IndexEntry[] = [];
  let at = HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_HEADER_SIZE > end) throw bad(`object ${i + 1} of ${count} is cut short`);
    const length = Number(bytes.readBigUInt64BE(at + 32));
    if (at + ENTRY_HEADER_SIZE + length > end) throw bad(`object ${i + 1} of ${count} is cut short`);
    out.push({ oid: bytes.toString('hex', at, at + 32), offset: at + ENTRY_HEADER_SIZE, length });
    at += ENTRY_HEADER_SIZE + length;
  }
  if (at !== end) throw bad('bytes after the last object');
  return out;
}

/** Whether a pack's trailer matches its content. */
export function packChecksumOk(bytes: Buffer): boolean {
  if (bytes.length < TRAILER_SIZE) return false;
  const end = bytes.length - TRAILER_SIZE;
  return sha256(bytes.subarray(0, end)).equals(bytes.subarray(end));
}
