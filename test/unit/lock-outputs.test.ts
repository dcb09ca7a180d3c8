import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oidsInLockFile } from '../../src/data/gcReferences.js';
import { lockOutputsInScan, outputAsTracked, parseLockOutputs } from '../../src/data/lockOutputs.js';
import { parseLock, serializeLock } from '../../src/pipeline/lockFile.js';

const oid = (c: string) => c.repeat(64);

const LOCK = `schema: '1'
stages:
  prep:
    cmd: x
    deps:
      - path: in.txt
        oid: ${'ab'.repeat(32)}
        size: 1
    outs:
      - path: data/clean
        oid: ${oid('a')}
        size: 10
        files: 2
  train:
    cmd: y
    outs:
      - path: metrics.json
        oid: ${oid('b')}
        size: 3
        cache: false
      - path: model.bin
        oid: ${oid('c')}
        size: 4
        exec: true
      - path: scratch.bin
        oid: ${oid('d')}
        size: 5
        push: false
`;

describe('lock outputs', () => {
  it('reads every output of every stage with its kind and flags, never the deps', () => {
    const { outputs, problems } = parseLockOutputs(LOCK, 'cairn.lock');
    assert.deepEqual(problems, []);
    assert.deepEqual(outputs.map((o) => [o.stage, o.path, o.kind, o.cache, o.push]), [
      ['prep', 'data/clean', 'dir', true, true],
      ['train', 'metrics.json', 'file', false, true],
      ['train', 'model.bin', 'file', true, true],
      ['train', 'scratch.bin', 'file', true, false],
    ]);
    assert.equal(outputs[0].files, 2);
    assert.equal(outputs[2].exec, true);
  });

  it('turns an output into a tracked path whose pointer names the basename and whose pointer file is cairn.lock', () => {
    const [dir] = parseLockOutputs(LOCK, 'cairn.lock').outputs;
    assert.deepEqual(outputAsTracked(dir), {
      pointerPath: 'cairn.lock', dataPath: 'data/clean',
      pointer: { version: 1, kind: 'dir', path: 'clean', oid: oid('a'), size: 10, files: 2 },
      output: { stage: 'prep', push: true },
    });
  });

  it('reports a malformed entry (bad oid, a path leaving the repository, outs not a list) without hiding the others', () => {
    const text = `stages:
  a:
    outs:
      - path: ../etc/passwd
        oid: ${oid('e')}
        size: 1
      - path: ok.bin
        oid: short
        size: 1
      - path: good.bin
        oid: ${oid('f')}
        size: 2
  b:
    outs: {path: x}
`;
    const { outputs, problems } = parseLockOutputs(text, 'cairn.lock');
    assert.deepEqual(outputs.map((o) => o.path), ['good.bin']);
    assert.deepEqual(problems.map((p) => p.where), ['cairn.lock: stages.a.outs[0]', 'cairn.lock: stages.a.outs[1]', 'cairn.lock: stages.b.outs']);
    assert.match(problems[0].message, /not a relative path inside the repository/);
    // gc still keeps what a damaged entry names.
    assert.deepEqual(oidsInLockFile(text).map((n) => n.oid).sort(), [oid('e'), oid('f')]);
  });

  it('text that is not YAML is an INVALID error naming the file; an empty lock has no outputs', () => {
    assert.throws(() => parseLockOutputs('stages: [unclosed', 'abc123:cairn.lock'), /malformed lock file abc123:cairn\.lock: not valid YAML/);
    assert.deepEqual(parseLockOutputs('', 'cairn.lock'), { outputs: [], problems: [] });
  });

  it('history scans take cached outputs of every lock file (beside each pipeline file), once per path and oid, skipping unreadable locks', () => {
    const sub = `schema: '1'\nstages:\n  fit:\n    cmd: z\n    outs:\n      - path: sub/model.pt\n        oid: ${oid('e')}\n        size: 6\n`;
    const found = lockOutputsInScan({
      pointers: [], invalid: [],
      lockFiles: [
        { where: 'aaa:cairn.lock', path: 'cairn.lock', text: LOCK },
        { where: 'bbb:cairn.lock', path: 'cairn.lock', text: LOCK },
        { where: 'ccc:sub/cairn.lock', path: 'sub/cairn.lock', text: sub },
        { where: 'ddd:cairn.lock', path: 'cairn.lock', text: 'stages: [' },
      ],
    });
    assert.deepEqual(found.map((t) => t.dataPath), ['data/clean', 'model.bin', 'scratch.bin', 'sub/model.pt']);
    assert.equal(found[2].output?.push, false);
    // A stage of sub/cairn.yaml is named by its address, and its pointer file is the lock that records it.
    assert.equal(found[3].output?.stage, 'sub/cairn.yaml:fit');
    assert.equal(found[3].pointerPath, 'sub/cairn.lock');
  });

  it('parseLockOutputs names stages by address for a lock beside a pipeline file in a subfolder', () => {
    const { outputs } = parseLockOutputs(LOCK, 'sub/cairn.lock', 'sub/cairn.lock');
    assert.deepEqual([...new Set(outputs.map((o) => o.stage))], ['sub/cairn.yaml:prep', 'sub/cairn.yaml:train']);
    assert.equal(outputAsTracked(outputs[0]).pointerPath, 'sub/cairn.lock');
    assert.deepEqual([...new Set(parseLockOutputs(LOCK, 'cairn.lock').outputs.map((o) => o.stage))], ['prep', 'train']);
  });

  it('the pipeline lock records push: false and refuses any other push value', () => {
    const lock = parseLock(LOCK);
    assert.equal(lock.stages.train.outs[2].push, false);
    assert.equal(serializeLock(lock), LOCK);
    assert.throws(() => parseLock(LOCK.replace('push: false', 'push: true')), /stages\.train\.outs\[2\]\.push may only be false/);
  });
});
