import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyLock, normalizeLock, parseLock, serializeLock, type LockFile } from '../../src/pipeline/lockFile.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function sample(): LockFile {
  return {
    schema: '1',
    stages: {
      train: {
        cmd: ['python train.py'],
        deps: [{ path: 'src/train.py', oid: B, size: 10 }, { path: 'data/prepared', oid: A, size: 300, files: 3 }],
        params: { 'params.yaml': { 'train.lr': 0.1, 'train.alpha': { z: 1, a: 2 } } },
        outs: [{ path: 'model.bin', oid: A, size: 5, exec: true }, { path: 'metrics.json', oid: B, size: 2, cache: false }],
      },
      prepare: { cmd: ['a', 'b'], deps: [], params: {}, outs: [] },
    },
  };
}

describe('cairn.lock format', () => {
  it('sorts stages by name, deps and outs by path, params by key', () => {
    const text = serializeLock(sample());
    assert.ok(text.startsWith("schema: '1'\nstages:\n  prepare:"), text);
    assert.ok(text.indexOf('data/prepared') < text.indexOf('src/train.py'));
    assert.ok(text.indexOf('metrics.json') < text.indexOf('model.bin'));
    assert.ok(text.indexOf('train.alpha') < text.indexOf('train.lr'));
    assert.ok(text.indexOf('a: 2') < text.indexOf('z: 1'));
    assert.match(text, /cmd: python train.py\n/);
    assert.match(text, /cache: false/);
  });

  it('round-trips and serializes the same lock to the same text whatever the insertion order', () => {
    const lock = sample();
    const text = serializeLock(lock);
    const parsed = parseLock(text);
    assert.equal(serializeLock(parsed), text);
    const reordered: LockFile = { schema: '1', stages: { prepare: lock.stages.prepare, train: { ...lock.stages.train, deps: [...lock.stages.train.deps].reverse() } } };
    assert.equal(serializeLock(reordered), text);
  });

  it('reads an empty file as an empty lock', () => {
    assert.deepEqual(parseLock(''), emptyLock());
  });

  it('names the field of a malformed lock and says how to recover', () => {
    assert.throws(() => parseLock("schema: '1'\nstages:\n  s:\n    cmd: x\n    deps:\n      - path: a\n        oid: nope\n        size: 1\n"),
      (e: Error & { code?: string; hint?: string }) => e.code === 'INVALID' && /stages\.s\.deps\[0\]\.oid/.test(e.message) && /git checkout/.test(e.hint ?? ''));
    assert.throws(() => parseLock("schema: '1'\nstages:\n  s:\n    cmd: x\n    colour: red\n"), /stages\.s\.colour is not a known field/);
    assert.throws(() => parseLock('schema: [\n'), /not valid YAML/);
  });

  it('refuses a lock from a newer cairn', () => {
    assert.throws(() => parseLock("schema: '2'\nstages: {}\n"), (e: Error & { hint?: string }) => /newer/.test(e.message) && /upgrade/.test(e.hint ?? ''));
  });
});

describe('the parsed-lock cache', () => {
  it('normalizeLock gives exactly what parsing the serialized text gives', () => {
    const lock = sample();
    assert.deepEqual(normalizeLock(lock), parseLock(serializeLock(lock)));
  });
});

describe('lock serialization per stage block', () => {
  it('round-trips odd stage names, and a reused entry object serializes the same under each name', () => {
    const lock = sample();
    lock.stages['fit@lr: 0.1 #x'] = lock.stages.prepare;
    const text = serializeLock(lock);
    assert.deepEqual(parseLock(text), normalizeLock(lock));
    assert.equal(serializeLock(lock), text);
    assert.equal(serializeLock(emptyLock()), "schema: '1'\nstages: {}\n");
    assert.deepEqual(parseLock(serializeLock(emptyLock())), emptyLock());
  });
});
