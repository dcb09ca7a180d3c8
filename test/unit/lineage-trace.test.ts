import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { traceLineage } from '../../src/pipeline/traceLineage.js';
import type { LockedStage } from '../../src/pipeline/lockedStagesAt.js';

const oid = (c: string) => c.repeat(64);
const info = (path: string, c: string) => ({ path, oid: oid(c), size: 1 });
const stage = (name: string, deps: string[][], outs: string[][], params = {}): LockedStage => ({
  stage: name, lock_file: 'cairn.lock', cmd: [`run ${name}`], deps: deps.map(([p, c]) => info(p, c)), outs: outs.map(([p, c]) => info(p, c)), params,
});

describe('traceLineage', () => {
  const stages = [
    stage('report', [['model/weights.bin', 'c']], [['report.md', 'e']]),
    stage('features', [['data/raw', 'a']], [['data/features', 'b']]),
    stage('train', [['data/features', 'b'], ['train.py', 'd']], [['model', 'c']], { 'params.yaml': { 'train.lr': 0.1 } }),
    stage('unrelated', [['other.csv', 'f']], [['other.out', 'f']]),
  ];
  const pointed = [{ path: 'data/raw', pointer: 'data/raw.cairn', oid: oid('a'), size: 9, files: 3 }];

  it('a file inside a folder output leads to the stage of that folder, then upstream, and leaves unrelated stages out', () => {
    const chain = traceLineage({ path: 'model/weights.bin', stages, pointed, gitFiles: new Set(['train.py']) });
    assert.equal(chain.target.tracked_path, 'model');
    assert.equal(chain.target.stage, 'train');
    assert.deepEqual(chain.stages.map((s) => s.stage), ['features', 'train']);
    assert.deepEqual(chain.inputs.map((i) => [i.path, i.tracked_by, i.used_by]), [['data/raw', 'pointer', ['features']], ['train.py', 'git', ['train']]]);
    assert.deepEqual(chain.params, { 'params.yaml': { 'train.lr': 0.1 } });
  });

  it('the chain of a downstream output lists each stage once, upstream first', () => {
    const chain = traceLineage({ path: 'report.md', stages, pointed, gitFiles: new Set() });
    assert.deepEqual(chain.stages.map((s) => [s.stage, s.upstream]), [['features', []], ['train', ['features']], ['report', ['train']]]);
    assert.equal(chain.inputs.find((i) => i.path === 'train.py')?.tracked_by, 'workspace');
  });

  it('a path nobody tracks is NOT_FOUND', () => {
    assert.throws(() => traceLineage({ path: 'train.py', stages, pointed, gitFiles: new Set() }), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
  });
});
