import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffStages } from '../../src/pipeline/diffStages.js';
import type { LockEntry } from '../../src/pipeline/lockFile.js';
import type { Stage } from '../../src/pipeline/types.js';

const stage = (name: string, over: Partial<Stage> = {}): Stage => ({
  name, localName: name, cmd: [`run ${name}`], wdir: '.', deps: ['in.csv'], params: [{ file: 'params.yaml', keys: ['lr'] }],
  outs: [{ path: `${name}.out`, kind: 'out', cache: true, persist: false, push: true }], frozen: false, alwaysChanged: false,
  source: { file: 'cairn.yaml', key: name }, ...over,
});
const lock = (name: string, oid: string): LockEntry => ({ cmd: [`run ${name}`], deps: [{ path: 'in.csv', oid: 'a'.repeat(64), size: 1 }], params: {}, outs: [{ path: `${name}.out`, oid: oid.repeat(64), size: 1 }] });
const side = (stages: Stage[], entries: Record<string, LockEntry>) => ({ stages: new Map(stages.map((s) => [s.name, s])), lock: entries });

describe('diffStages', () => {
  it('names added and removed stages, and leaves unchanged ones out', () => {
    const r = diffStages(side([stage('a'), stage('b')], { a: lock('a', 'b') }), side([stage('a'), stage('c')], { a: lock('a', 'b') }));
    assert.deepEqual(r.map((c) => `${c.stage}:${c.change}`), ['b:removed', 'c:added']);
  });

  it('a modified stage says what changed: command, deps, params keys, frozen mark, and the outputs it produced', () => {
    const after = stage('a', { cmd: ['run a --fast'], deps: ['in.csv', 'extra.csv'], params: [{ file: 'params.yaml', keys: ['lr', 'depth'] }], frozen: true });
    const [c] = diffStages(side([stage('a')], { a: lock('a', 'b') }), side([after], { a: lock('a', 'c') }));
    assert.deepEqual(c.cmd, { old: ['run a'], new: ['run a --fast'] });
    assert.deepEqual(c.deps, { added: ['extra.csv'], removed: [] });
    assert.deepEqual(c.params, { added: ['params.yaml:depth'], removed: [] });
    assert.deepEqual(c.frozen, { old: false, new: true });
    assert.deepEqual(c.outs_changed, ['a.out']);
    assert.deepEqual(c.deps_changed, []);
  });
});
