import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listLevel } from '../../src/data/listTracked.js';
import type { TrackedFile } from '../../src/data/expandPointers.js';
import type { TrackedPointer } from '../../src/data/pointersAtRev.js';

const oid = (c: string) => c.repeat(64);
const pointers: TrackedPointer[] = [
  { pointerPath: 'data.cairn', dataPath: 'data', pointer: { version: 1, kind: 'dir', path: 'data', oid: oid('d'), size: 6, files: 3 } },
  { pointerPath: 'm/model.bin.cairn', dataPath: 'm/model.bin', pointer: { version: 1, kind: 'file', path: 'model.bin', oid: oid('m'), size: 9 } },
];
const files: TrackedFile[] = [
  { path: 'data/a', oid: oid('a'), size: 1, exec: false, tracked: 'data' },
  { path: 'data/sub/b', oid: oid('b'), size: 2, exec: false, tracked: 'data' },
  { path: 'data/sub/c', oid: oid('c'), size: 3, exec: true, tracked: 'data' },
  { path: 'm/model.bin', oid: oid('m'), size: 9, exec: false, tracked: 'm/model.bin' },
];

describe('listLevel', () => {
  it('at the top lists the tracked paths', () => {
    assert.deepEqual(listLevel(pointers, files, '', false).map((e) => `${e.kind} ${e.path}`), ['dir data', 'file m/model.bin']);
  });

  it('inside a tracked directory lists direct children and sums sub-folders', () => {
    const entries = listLevel(pointers, files, 'data', false);
    assert.deepEqual(entries, [
      { path: 'data/a', kind: 'file', oid: oid('a'), size: 1, tracked: false },
      { path: 'data/sub', kind: 'dir', size: 5, files: 2, tracked: false },
    ]);
  });

  it('recursively lists every file under the prefix', () => {
    assert.deepEqual(listLevel(pointers, files, 'data/sub', true).map((e) => e.path), ['data/sub/b', 'data/sub/c']);
    assert.equal(listLevel(pointers, files, 'data/sub', true)[1].exec, true);
  });

  it('a prefix that is a folder of tracked paths lists them; a prefix matching nothing lists nothing', () => {
    assert.deepEqual(listLevel(pointers, files, 'm', false).map((e) => e.path), ['m/model.bin']);
    assert.deepEqual(listLevel(pointers, files, 'nothing', false), []);
    assert.deepEqual(listLevel(pointers, files, 'dat', false), [], 'a prefix matches whole path parts only');
  });
});
