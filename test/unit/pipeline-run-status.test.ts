import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockEntry } from '../../src/pipeline/lockFile.js';
import { decideStage, planStages } from '../../src/pipeline/plan.js';
import { stageStatus, type PathState, type StageInputs } from '../../src/pipeline/stageStatus.js';
import type { Stage } from '../../src/pipeline/types.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function stage(name: string, extra: Partial<Stage> = {}): Stage {
  return {
    name, localName: name, cmd: [`run ${name}`], wdir: '.', deps: ['in.txt'], params: [{ file: 'params.yaml', keys: ['lr'] }],
    outs: [{ path: `${name}.out`, kind: 'out', cache: true, persist: false, push: true }],
    frozen: false, alwaysChanged: false, source: { file: 'cairn.yaml', key: name }, ...extra,
  };
}

function entry(name: string): LockEntry {
  return {
    cmd: [`run ${name}`], deps: [{ path: 'in.txt', oid: A, size: 1 }], params: { 'params.yaml': { lr: 0.1 } },
    outs: [{ path: `${name}.out`, oid: B, size: 1 }],
  };
}

const file = (oid: string): PathState => ({ kind: 'file', oid, size: 1 });

function inputs(name: string, over: Partial<{ dep: PathState | null; out: PathState | null; lr: unknown }> = {}): StageInputs {
  return {
    deps: new Map([['in.txt', over.dep === undefined ? file(A) : over.dep]]),
    outs: new Map([[`${name}.out`, over.out === undefined ? file(B) : over.out]]),
    params: { 'params.yaml': { lr: 'lr' in over ? over.lr : 0.1 } },
  };
}

const kinds = (s: { reasons: { kind: string }[] }) => s.reasons.map((r) => r.kind);

describe('stage status', () => {
  it('an unchanged stage is up to date', () => {
    assert.deepEqual(stageStatus(stage('s'), entry('s'), inputs('s')), { changed: false, reasons: [] });
  });

  it('a stage never run is new', () => {
    assert.deepEqual(kinds(stageStatus(stage('s'), undefined, inputs('s'))), ['new']);
  });

  it('names a changed command, dep, param value, missing and modified output', () => {
    assert.deepEqual(kinds(stageStatus(stage('s', { cmd: ['other'] }), entry('s'), inputs('s'))), ['cmd']);
    const dep = stageStatus(stage('s'), entry('s'), inputs('s', { dep: file(B) }));
    assert.deepEqual(dep.reasons, [{ kind: 'dep-modified', subject: 'in.txt', message: 'dependency in.txt modified' }]);
    assert.deepEqual(kinds(stageStatus(stage('s'), entry('s'), inputs('s', { dep: null }))), ['dep-missing']);
    const param = stageStatus(stage('s'), entry('s'), inputs('s', { lr: 0.2 }));
    assert.equal(param.reasons[0].message, 'param lr (params.yaml) changed: 0.1 -> 0.2');
    assert.deepEqual(kinds(stageStatus(stage('s'), entry('s'), inputs('s', { out: null }))), ['out-missing']);
    assert.deepEqual(kinds(stageStatus(stage('s'), entry('s'), inputs('s', { out: file(A) }))), ['out-modified']);
  });

  it('depends on param values, not on how the file is written', () => {
    const e = entry('s');
    e.params = { 'params.yaml': { lr: { b: 1, a: 2 } } };
    const now = inputs('s', { lr: { a: 2, b: 1 } });
    assert.equal(stageStatus(stage('s'), e, now).changed, false);
  });

  it('notices deps and outs added to or removed from the stage', () => {
    const s = stage('s', { deps: ['other.txt'], outs: [] });
    const now: StageInputs = { deps: new Map([['other.txt', file(A)]]), outs: new Map(), params: { 'params.yaml': { lr: 0.1 } } };
    assert.deepEqual(kinds(stageStatus(s, entry('s'), now)), ['dep-added', 'dep-removed', 'out-removed']);
  });

  it('always_changed always changes', () => {
    assert.deepEqual(kinds(stageStatus(stage('s', { alwaysChanged: true }), entry('s'), inputs('s'))), ['always-changed']);
  });
});

describe('run plan', () => {
  const clean = { changed: false, reasons: [] };
  const dirty = { changed: true, reasons: [{ kind: 'cmd' as const, message: 'command changed' }] };

  it('a frozen stage never runs, even when changed or forced', () => {
    assert.equal(decideStage(stage('s', { frozen: true }), dirty, { force: true }).action, 'frozen');
  });

  it('-f runs an unchanged stage and says so', () => {
    const item = decideStage(stage('s'), clean, { force: true });
    assert.equal(item.action, 'run');
    assert.equal(item.reasons[0].kind, 'forced');
    assert.equal(decideStage(stage('s'), clean).action, 'skip');
  });

  it('a stage downstream of a running stage is forecast to run; independent ones are not', () => {
    const order = [stage('a'), stage('b'), stage('c'), stage('d')];
    const statuses = new Map([['a', dirty], ['b', clean], ['c', clean], ['d', clean]]);
    const upstream = new Map([['b', ['a']], ['c', ['b']], ['d', []]]);
    const plan = planStages(order, statuses, upstream);
    assert.deepEqual(plan.map((p) => p.action), ['run', 'run', 'run', 'skip']);
    assert.equal(plan[2].reasons[0].message, 'upstream stage b runs first');
  });

  it('a frozen stage does not pull its downstream into the run', () => {
    const order = [stage('a', { frozen: true }), stage('b')];
    const plan = planStages(order, new Map([['a', dirty], ['b', clean]]), new Map([['b', ['a']]]));
    assert.deepEqual(plan.map((p) => p.action), ['frozen', 'skip']);
  });
});
