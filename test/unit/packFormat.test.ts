import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { decodeIndex, encodeIndex, encodePack, findInIndex, indexEntryAt, packChecksumOk, scanPack } from '../../src/data/packs/packFormat.js';

const objects = (n: number) => Array.from({ length: n }, (_, i) => {
  const data = Buffer.from(`object number ${i}\n`.repeat(i % 5));
  return { oid: hashBuffer(data), data };
});

describe('pack format', () => {
  it('a pack and its index round-trip: every object is found at its bytes, and a foreign oid is not', () => {
    const entries = objects(300);
    const unique = [...new Map(entries.map((e) => [e.oid, e])).values()];
    const pack = encodePack(unique);
    assert.equal(pack.name, pack.bytes.toString('hex', pack.bytes.length - 32));
    assert.ok(packChecksumOk(pack.bytes));
    const index = decodeIndex(encodeIndex(pack.name, pack.index), 'test.idx');
    assert.equal(index.count, unique.length);
    assert.equal(index.packName, pack.name);
    for (const e of unique) {
      const hit = findInIndex(index, e.oid)!;
      assert.ok(hit, e.oid);
      assert.deepEqual(pack.bytes.subarray(hit.offset, hit.offset + hit.length), e.data);
    }
    assert.equal(findInIndex(index, hashBuffer('not in the pack')), null);
    // Sorted for binary search.
    for (let i = 1; i < index.count; i++) assert.ok(indexEntryAt(index, i - 1).oid < indexEntryAt(index, i).oid);
    assert.deepEqual(scanPack(pack.bytes, 'test.pack').map((e) => e.oid), unique.map((e) => e.oid));
  });

  it('an empty pack is valid, and an index of it finds nothing', () => {
    const pack = encodePack([]);
    const index = decodeIndex(encodeIndex(pack.name, []), 'empty.idx');
    assert.equal(index.count, 0);
    assert.equal(findInIndex(index, hashBuffer('x')), null);
  });

  it('a flipped byte fails the pack checksum, and a damaged index is refused with INTEGRITY', () => {
    const pack = encodePack(objects(10).slice(1));
    const bad = Buffer.from(pack.bytes);
    bad[60] ^= 1;
    assert.equal(packChecksumOk(bad), false);
    const idx = encodeIndex(pack.name, pack.index);
    idx[20] ^= 1;
    assert.throws(() => decodeIndex(idx, 'packs/x.idx'), (err: Error & { code?: string }) => err.code === 'INTEGRITY' && /packs\/x\.idx/.test(err.message));
    assert.throws(() => scanPack(pack.bytes.subarray(0, 50), 'cut.pack'), /cut\.pack is damaged/);
  });
});
