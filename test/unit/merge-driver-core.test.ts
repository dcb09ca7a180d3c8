import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeLock } from '../../src/pipeline/mergeLock.js';
import { mergePointer } from '../../src/data/mergePointer.js';
import { emptyLock, parseLock, serializeLock, type LockEntry } from '../../src/pipeline/lockFile.js';
import { serializePointer } from '../../src/data/pointer.js';

const oid = (c: string) => c.repeat(64);
const entry = (cmd: string, out: string): LockEntry => ({ cmd: [cmd], deps: [], params: {}, outs: [{ path: `${cmd}.out`, oid: oid(out), size: 1 }] });
const lock = (stages: Record<string, LockEntry>) => serializeLock({ ...emptyLock(), stages });

describe('the cairn.lock merge', () => {
  const base = lock({ prepare: entry('prepare', 'a'), train: entry('train', 'b') });

  it('takes each stage from the side that changed it, and adds stages added on either side', () => {
    const ours = lock({ prepare: entry('prepare', 'c'), train: entry('train', 'b') });
    const theirs = lock({ prepare: entry('prepare', 'a'), train: entry('train', 'd'), evaluate: entry('evaluate', 'e') });
    const r = mergeLock({ base, ours, theirs });
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.text, lock({ prepare: entry('prepare', 'c'), train: entry('train', 'd'), evaluate: entry('evaluate', 'e') }));
  });

  it('a stage removed on one side and untouched on the other goes; the same change on both is kept once', () => {
    const ours = lock({ prepare: entry('prepare', 'a') });
    const theirs = lock({ prepare: entry('prepare', 'a'), train: entry('train', 'b'), report: entry('report', 'f') });
    const both = lock({ report: entry('report', 'f'), prepare: entry('prepare', 'a') });
    assert.deepEqual(parseLock(mergeLock({ base, ours, theirs }).text).stages, parseLock(both).stages);
  });

  it('a stage both sides changed differently is left between conflict markers, the others merged', () => {
    const ours = lock({ prepare: entry('prepare', 'c'), train: entry('train', 'e') });
    const theirs = lock({ prepare: entry('prepare', 'a'), train: entry('train', 'f') });
    const r = mergeLock({ base, ours, theirs });
    assert.deepEqual(r.conflicts, ['train']);
    assert.match(r.text, /^schema: '1'\nstages:\n  prepare:\n    cmd: prepare\n[\s\S]*<<<<<<< ours \(stage train\)\n  train:\n    cmd: train\n[\s\S]*e{64}[\s\S]*=======\n  train:\n[\s\S]*f{64}[\s\S]*>>>>>>> theirs \(stage train\)\n$/);
    assert.ok(r.text.includes(oid('c')), 'the clean stage took our change');
  });

  it('no base (the file added on both branches) merges the stages of both', () => {
    const r = mergeLock({ base: '', ours: lock({ a: entry('a', 'a') }), theirs: lock({ b: entry('b', 'b') }) });
    assert.deepEqual(Object.keys(parseLock(r.text).stages), ['a', 'b']);
  });

  it('a side that does not parse is an INVALID error', () => {
    assert.throws(() => mergeLock({ base, ours: 'stages: [', theirs: base }), (e: Error & { code?: string }) => e.code === 'INVALID');
  });
});

describe('the pointer merge', () => {
  const ptr = (c: string) => serializePointer({ version: 1, kind: 'file', path: 'raw.csv', oid: oid(c), size: 3 });
  it('takes the changed side, and marks two different versions as a conflict', () => {
    assert.deepEqual(mergePointer({ base: ptr('a'), ours: ptr('a'), theirs: ptr('b') }, 'data/raw.csv.cairn'), { text: ptr('b'), conflict: false });
    assert.deepEqual(mergePointer({ base: ptr('a'), ours: ptr('c'), theirs: ptr('c') }, 'data/raw.csv.cairn'), { text: ptr('c'), conflict: false });
    const r = mergePointer({ base: ptr('a'), ours: ptr('c'), theirs: ptr('d') }, 'data/raw.csv.cairn');
    assert.equal(r.conflict, true);
    assert.equal(r.text, `<<<<<<< ours (data/raw.csv.cairn)\n${ptr('c')}=======\n${ptr('d')}>>>>>>> theirs (data/raw.csv.cairn)\n`);
  });
});
