import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasScope, planGc } from '../../src/data/gc.js';
import { collectOidFields, oidsInLockFile } from '../../src/data/gcReferences.js';

const oid = (c: string) => c.repeat(64);

describe('planGc', () => {
  it('deletes only unreferenced objects and totals the bytes', () => {
    const plan = planGc(new Set([oid('a')]), [
      { oid: oid('b'), size: 10 },
      { oid: oid('a'), size: 5 },
      { oid: oid('c'), size: 7 },
    ]);
    assert.deepEqual(plan.remove.map((o) => o.oid), [oid('b'), oid('c')]);
    assert.equal(plan.removeBytes, 17);
    assert.equal(plan.keep, 1);
    assert.equal(plan.keepBytes, 5);
  });

  it('an empty cache gives an empty plan', () => {
    assert.deepEqual(planGc(new Set([oid('a')]), []), { remove: [], removeBytes: 0, keep: 0, keepBytes: 0 });
  });

  it('needs at least one scope', () => {
    assert.equal(hasScope({}), false);
    assert.equal(hasScope({ allTags: true }), true);
  });
});

describe('references from pipeline files', () => {
  it('reads every oid under the outs of every stage of a cairn.lock, marking directories', () => {
    const lock = `schema: '1'
stages:
  prepare:
    cmd: python prepare.py
    deps:
      - path: data/raw
        oid: ${oid('d')}
        size: 3
    outs:
      - path: data/clean
        oid: ${oid('a')}
        size: 10
        files: 2
  train:
    cmd: python train.py
    outs:
      - path: model.bin
        oid: ${oid('b')}
        size: 4
`;
    assert.deepEqual(oidsInLockFile(lock), [{ oid: oid('a'), dir: true }, { oid: oid('b'), dir: false }]);
  });

  it('a lock file without stages names nothing; one that is not YAML throws', () => {
    assert.deepEqual(oidsInLockFile("schema: '1'\n"), []);
    assert.throws(() => oidsInLockFile('stages: [unclosed'));
  });

  it('finds oid fields at any depth of a run-cache entry and ignores values that are not oids', () => {
    const entry = { key: 'k', outs: [{ path: 'm', oid: oid('e') }, { nested: { oid: 'short' } }], oid: oid('f'), files: 1 };
    assert.deepEqual(collectOidFields(entry), [{ oid: oid('e'), dir: false }, { oid: oid('f'), dir: true }]);
  });
});
