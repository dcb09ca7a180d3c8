import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { serializeTree, treeOid, type TreeEntry } from '../../src/data/tree.js';

const oid = (s: string) => hashBuffer(s);

describe('tree objects: canonical bytes', () => {
  it('sorts by UTF-8 bytes and writes fixed keys without whitespace (the bytes every cairn agrees on)', () => {
    const entries: TreeEntry[] = [
      { path: 'b/\u{1F600}.txt', oid: oid('1'), size: 3, exec: false },
      { path: 'b/\uFF21.txt', oid: oid('2'), size: 0, exec: true },
      { path: 'a "quoted"\\\n.csv', oid: oid('3'), size: 12345678901, exec: false },
      { path: 'B', oid: oid('4'), size: 1, exec: false },
    ];
    // U+FF21 sorts before U+1F600 in UTF-8 (EF BC A1 < F0 9F 98 80), though not in UTF-16 code units.
    const expected = '{"version":1,"entries":['
      + `{"path":"B","oid":"${oid('4')}","size":1,"exec":false},`
      + `{"path":"a \\"quoted\\"\\\\\\n.csv","oid":"${oid('3')}","size":12345678901,"exec":false},`
      + `{"path":"b/\uFF21.txt","oid":"${oid('2')}","size":0,"exec":true},`
      + `{"path":"b/\u{1F600}.txt","oid":"${oid('1')}","size":3,"exec":false}]}`;
    assert.equal(serializeTree(entries).toString(), expected);
    // Only ASCII and BMP paths: plain string order is byte order.
    const plain = entries.filter((e) => !e.path.includes('\u{1F600}'));
    assert.equal(serializeTree([...plain].reverse()).toString(), serializeTree(plain).toString());
    assert.equal(treeOid(entries).oid, hashBuffer(expected));
  });

  it('refuses a duplicate path', () => {
    const e = { path: 'x', oid: oid('x'), size: 1, exec: false };
    assert.throws(() => serializeTree([e, { ...e }]), /duplicate path in tree: x/);
  });
});
