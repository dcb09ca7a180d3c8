import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffTrees, isEmptyDiff } from '../../src/data/diffTrees.js';

const oid = (c: string) => c.repeat(64);

describe('diffTrees', () => {
  it('sees added, modified and deleted files', () => {
    const d = diffTrees(
      [{ path: 'd/a', oid: oid('a'), size: 1 }, { path: 'd/b', oid: oid('b'), size: 2 }],
      [{ path: 'd/a', oid: oid('c'), size: 3 }, { path: 'd/z', oid: oid('d'), size: 4 }],
    );
    assert.deepEqual(d.added, [{ path: 'd/z', oid: oid('d'), size: 4 }]);
    assert.deepEqual(d.deleted, [{ path: 'd/b', oid: oid('b'), size: 2 }]);
    assert.deepEqual(d.modified, [{ path: 'd/a', old: { oid: oid('a'), size: 1 }, new: { oid: oid('c'), size: 3 } }]);
    assert.deepEqual(d.renamed, []);
  });

  it('a file that moved with the same content is a rename, not a delete and an add', () => {
    const d = diffTrees([{ path: 'old.bin', oid: oid('a'), size: 5 }], [{ path: 'new/place.bin', oid: oid('a'), size: 5 }]);
    assert.deepEqual(d.renamed, [{ from: 'old.bin', to: 'new/place.bin', oid: oid('a'), size: 5 }]);
    assert.equal(d.added.length + d.deleted.length, 0);
  });

  it('pairs renames one to one when several files share content', () => {
    const d = diffTrees(
      [{ path: 'a1', oid: oid('a'), size: 1 }, { path: 'a2', oid: oid('a'), size: 1 }],
      [{ path: 'b1', oid: oid('a'), size: 1 }, { path: 'b2', oid: oid('a'), size: 1 }, { path: 'b3', oid: oid('a'), size: 1 }],
    );
    assert.deepEqual(d.renamed.map((r) => `${r.from}->${r.to}`), ['a1->b1', 'a2->b2']);
    assert.deepEqual(d.added.map((e) => e.path), ['b3']);
    assert.deepEqual(d.deleted, []);
  });

  it('identical listings give an empty diff, whatever their order', () => {
    const files = [{ path: 'x', oid: oid('1'), size: 1 }, { path: 'y', oid: oid('2'), size: 2 }];
    assert.ok(isEmptyDiff(diffTrees(files, [...files].reverse())));
  });

  it('sorts every list by path', () => {
    const d = diffTrees([], [{ path: 'b', oid: oid('1'), size: 1 }, { path: 'a', oid: oid('2'), size: 1 }]);
    assert.deepEqual(d.added.map((e) => e.path), ['a', 'b']);
  });
});
