import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pseudoRandomBytes } from '../helpers/pseudoRandom.js';
import { hashBuffer } from '../../src/core/hash.js';
import { assembleChunked, ChunkedReadError } from '../../src/data/chunks/assembleChunked.js';
import { chunkLengths } from '../../src/data/chunks/fastcdc.js';
import type { Manifest } from '../../src/data/chunks/manifest.js';

const MiB = 1 << 20;

/** A cache holding `data` as loose chunk objects, and its manifest. */
function chunkedCache(t: { after: (fn: () => void) => void }, data: Buffer): { cache: string; m: Manifest; chunkFile: (i: number) => string } {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'cairn-assemble-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const chunks: Manifest['chunks'] = [];
  let off = 0;
  for (const n of chunkLengths(data)) {
    const bytes = data.subarray(off, (off += n));
    const oid = hashBuffer(bytes);
    mkdirSync(path.join(cache, 'objects', oid.slice(0, 2)), { recursive: true });
    writeFileSync(path.join(cache, 'objects', oid.slice(0, 2), oid.slice(2)), bytes);
    chunks.push({ oid, size: n });
  }
  const chunkFile = (i: number) => path.join(cache, 'objects', chunks[i].oid.slice(0, 2), chunks[i].oid.slice(2));
  return { cache, m: { version: 1, oid: hashBuffer(data), size: data.length, chunks }, chunkFile };
}

function assembleTo(cache: string, m: Manifest, out: string, hashAside: number): void {
  const fd = openSync(out, 'w');
  try {
    assembleChunked(cache, m, fd, { hashAside });
  } finally {
    closeSync(fd);
  }
}

// 0: the whole-file digest on a worker thread (the path of large files); Infinity: on this thread.
for (const [mode, hashAside] of [['a worker thread', 0], ['the calling thread', Infinity]] as const) {
  describe(`assembling a chunked file, hashed on ${mode}`, () => {
    // 40 MiB: many more blocks than the worker's ring of three, so slots are reused.
    const data = pseudoRandomBytes(40 * MiB, 21);

    it('writes the content byte for byte', (t) => {
      const { cache, m } = chunkedCache(t, data);
      const out = path.join(cache, 'out');
      assembleTo(cache, m, out, hashAside);
      assert.ok(readFileSync(out).equals(data));
    });

    it('names the corrupt chunk when the whole content does not match its oid', (t) => {
      const { cache, m, chunkFile } = chunkedCache(t, data);
      const bytes = readFileSync(chunkFile(7));
      bytes[100] ^= 0xff;
      writeFileSync(chunkFile(7), bytes);
      assert.throws(() => assembleTo(cache, m, path.join(cache, 'out'), hashAside), (err: unknown) => {
        assert.ok(err instanceof ChunkedReadError);
        assert.equal(err.code, 'INTEGRITY');
        assert.match(err.message, new RegExp(`chunk ${m.chunks[7].oid.slice(0, 12)} is corrupt`));
        return true;
      });
    });

    it('stops at a missing or short chunk', (t) => {
      const { cache, m, chunkFile } = chunkedCache(t, data);
      unlinkSync(chunkFile(3));
      assert.throws(() => assembleTo(cache, m, path.join(cache, 'out'), hashAside), (err: unknown) => err instanceof ChunkedReadError && err.code === 'NOT_FOUND');
      writeFileSync(chunkFile(5), readFileSync(chunkFile(5)).subarray(1));
      const rest = { ...m, chunks: m.chunks.slice(4) };
      assert.throws(() => assembleTo(cache, rest, path.join(cache, 'out'), hashAside), /has \d+ bytes, not \d+/);
    });
  });
}
