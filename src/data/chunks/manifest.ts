import { CairnError } from '../../core/errors.js';
import { hashBuffer, isOid } from '../../core/hash.js';

/** One chunk of a chunked file, in file order. */
export interface ChunkEntry {
  oid: string;
  size: number;
}

/** The object that says how a file is cut: its whole-content oid and size, and its chunks in order. */
export interface Manifest {
  version: 1;
  oid: string;
  size: number;
  chunks: ChunkEntry[];
}

export const MANIFEST_TYPE = 'cairn-chunked-file';

/** Canonical JSON (fixed key order, no whitespace), so the same file cut the same way has one manifest oid. Pure. */
export function serializeManifest(m: Manifest): Buffer {
  const chunks = m.chunks.map((c) => `{"oid":"${c.oid}","size":${c.size}}`).join(',');
  return Buffer.from(`{"chunks":[${chunks}],"oid":"${m.oid}","size":${m.size},"type":"${MANIFEST_TYPE}","version":1}`);
}

function bad(what: string, why: string): CairnError {
  return new CairnError('INTEGRITY', `the chunk manifest ${what} is damaged: ${why}`, {
    hint: 'run `cairn fsck --repair`, then fetch the file again with `cairn pull` or re-add it',
  });
}

/**
 * Parses and checks a manifest: the bytes must hash to `manifestOid` when given, and the chunk sizes must add up to
 * the file size. Pure; throws INTEGRITY on anything else.
 */
export function parseManifest(bytes: Uint8Array, what: string, manifestOid?: string): Manifest {
  if (manifestOid !== undefined && hashBuffer(bytes) !== manifestOid) throw bad(what, `its bytes do not hash to ${manifestOid}`);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw bad(what, 'it is not JSON');
  }
  const m = raw as Record<string, unknown>;
  if (!m || m.type !== MANIFEST_TYPE || m.version !== 1) throw bad(what, `it is not a version 1 ${MANIFEST_TYPE} manifest`);
  if (!isOid(m.oid) || !Number.isSafeInteger(m.size) || !Array.isArray(m.chunks)) throw bad(what, 'oid, size or chunks is missing');
  let total = 0;
  const chunks: ChunkEntry[] = [];
  for (const c of m.chunks as Array<Record<string, unknown>>) {
    if (!c || !isOid(c.oid) || !Number.isSafeInteger(c.size) || (c.size as number) <= 0) throw bad(what, 'a chunk entry has no valid oid and size');
    chunks.push({ oid: c.oid, size: c.size as number });
    total += c.size as number;
  }
  if (total !== m.size) throw bad(what, `its chunks add up to ${total} bytes, not ${m.size as number}`);
  return { version: 1, oid: m.oid, size: m.size as number, chunks };
}
