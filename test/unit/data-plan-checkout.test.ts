import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCheckout } from '../../src/data/planCheckout.js';

const oid = (c: string) => c.repeat(64);
const entry = (path: string, o: string, exec = false) => ({ path, oid: oid(o), size: 1, exec });

describe('planCheckout', () => {
  it('adds, replaces and deletes only what differs', () => {
    const plan = planCheckout(
      [entry('a', 'a'), entry('b', 'b'), entry('new', 'c')],
      [{ path: 'a', oid: oid('a'), exec: false }, { path: 'b', oid: oid('9'), exec: false }, { path: 'gone', oid: oid('d'), exec: false }],
      () => true,
    );
    assert.deepEqual(plan.add.map((e) => e.path), ['new']);
    assert.deepEqual(plan.modify.map((e) => e.path), ['b']);
    assert.deepEqual(plan.delete, ['gone']);
    assert.equal(plan.unchanged, 1);
    assert.deepEqual(plan.conflicts, []);
  });

  it('an executable bit that differs is a modification but never a conflict', () => {
    const plan = planCheckout([entry('run.sh', 'a', true)], [{ path: 'run.sh', oid: oid('a'), exec: false }], () => false);
    assert.deepEqual(plan.modify.map((e) => e.path), ['run.sh']);
    assert.deepEqual(plan.conflicts, []);
  });

  it('content that would be lost (not in the cache) is a conflict, sorted', () => {
    const cached = new Set([oid('b')]);
    const plan = planCheckout(
      [entry('x', 'a'), entry('y', 'a')],
      [{ path: 'y', oid: oid('e'), exec: false }, { path: 'x', oid: oid('b'), exec: false }, { path: 'extra', oid: oid('f'), exec: false }],
      (o) => cached.has(o),
    );
    assert.deepEqual(plan.conflicts, ['extra', 'y']);
  });

  it('an empty workspace gets everything added', () => {
    const plan = planCheckout([entry('a', 'a'), entry('d/b', 'b')], [], () => false);
    assert.equal(plan.add.length, 2);
    assert.deepEqual(plan.conflicts, []);
  });

  it('a file where a folder was recorded is deleted and the folder files added', () => {
    const plan = planCheckout([entry('f', 'a')], [{ path: '', oid: oid('c'), exec: false }], () => true);
    assert.deepEqual(plan.delete, ['']);
    assert.deepEqual(plan.add.map((e) => e.path), ['f']);
  });
});
