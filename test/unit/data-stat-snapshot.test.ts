import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSnapshot, encodeSnapshot, FLAG_EXEC, type StatSnapshot } from '../../src/data/statSnapshot.js';

const sample = (): StatSnapshot => ({
  path: 'data/images', oid: 'a'.repeat(64), cacheSig: 'b'.repeat(64), guard: '-',
  dirs: ['', 'sub', 'sub/ünï'],
  dirStats: BigInt64Array.from([1n, 1_700_000_000_123_456_789n, 2n, 3n, 4n, 5n]),
  files: ['x.csv', 'sub/y.csv', 'sub/ünï/z z.bin'],
  fileStats: BigInt64Array.from([10n, 0n, 1n, 11n, 2n ** 40n, 2n, 12n, 5n, 3n]),
  fileFlags: Uint8Array.from([0, FLAG_EXEC, 0]),
});

describe('stat snapshot encoding', () => {
  it('round-trips every field, names with any characters included', () => {
    assert.deepEqual(decodeSnapshot(encodeSnapshot(sample())), sample());
  });

  it('round-trips an empty folder', () => {
    const s = { ...sample(), dirs: [''], dirStats: BigInt64Array.from([1n, 2n]), files: [], fileStats: new BigInt64Array(0), fileFlags: new Uint8Array(0) };
    assert.deepEqual(decodeSnapshot(encodeSnapshot(s)), s);
  });

  it('refuses anything that is not a whole snapshot of this version', () => {
    const good = encodeSnapshot(sample());
    assert.equal(decodeSnapshot(good.subarray(0, good.length - 40)), null, 'truncated');
    assert.equal(decodeSnapshot(Buffer.from('cairn-stat-snapshot 2\n{}\n')), null, 'other version');
    assert.equal(decodeSnapshot(Buffer.from('cairn-stat-snapshot 1\n{not json\n')), null, 'bad header');
    assert.equal(decodeSnapshot(Buffer.from('')), null, 'empty');
  });
});
