import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CairnError } from '../../src/core/errors.js';
import { buildGraph, findCycle, topoOrder } from '../../src/pipeline/dag.js';
import { resolvePipeline } from '../../src/pipeline/loadPipeline.js';
import type { Pipeline, Stage } from '../../src/pipeline/types.js';
import { validatePipeline } from '../../src/pipeline/validate.js';

const load = (yaml: string): Pipeline => resolvePipeline(parse(yaml), { file: 'cairn.yaml', readData: () => undefined });
const names = (stages: Stage[]) => stages.map((s) => s.name);

/** A diamond (prep -> a, b -> join) plus an unrelated stage; folders link by containment. */
const DIAMOND = `
stages:
  zeta: {cmd: z, outs: [z.txt]}
  prep: {cmd: p, deps: [raw], outs: [data]}
  b: {cmd: b, deps: [data/part-b], outs: [b.txt]}
  a: {cmd: a, deps: [data], outs: [out/a]}
  join: {cmd: j, deps: [out, b.txt], outs: [final.txt]}
`;

describe('stage graph', () => {
  it('links a dep to an output it equals, lies inside, or contains', () => {
    const g = buildGraph(load(DIAMOND));
    assert.deepEqual(g.edges.map((e) => `${e.from}->${e.to}`), ['a->join', 'b->join', 'prep->a', 'prep->b']);
    assert.deepEqual(g.upstream.get('join'), ['a', 'b']);
    assert.deepEqual(g.edges.find((e) => e.to === 'b')!.paths, ['data/part-b']);
  });

  it('orders every stage upstream first, ties by name', () => {
    assert.deepEqual(names(topoOrder(load(DIAMOND))), ['prep', 'a', 'b', 'join', 'zeta']);
  });

  it('a target brings its upstream; --downstream brings what depends on it', () => {
    const p = load(DIAMOND);
    assert.deepEqual(names(topoOrder(p, ['b'])), ['prep', 'b']);
    assert.deepEqual(names(topoOrder(p, ['a'], { downstream: true })), ['a', 'join']);
    assert.deepEqual(names(topoOrder(p, ['prep'], { downstream: true })), ['prep', 'a', 'b', 'join']);
  });

  it('a foreach group name selects all its instances', () => {
    const p = load('stages:\n  build:\n    foreach: [x, y]\n    do:\n      cmd: make\n      outs:\n        - ${item}\n  use: {cmd: u, deps: [y]}\n');
    assert.deepEqual(names(topoOrder(p, ['build'])), ['build@x', 'build@y']);
    assert.deepEqual(names(topoOrder(p, ['use'])), ['build@y', 'use']);
  });

  it('an unknown target is NOT_FOUND with a suggestion', () => {
    assert.throws(() => topoOrder(load(DIAMOND), ['jion']), (err: CairnError) => err.code === 'NOT_FOUND' && /did you mean "join"/.test(err.hint!));
  });

  it('findCycle reports the loop in order and null for a DAG', () => {
    const p = load(DIAMOND);
    assert.equal(findCycle(p), null);
    // Build a cycle directly in the model (the loader refuses one).
    p.stages.get('prep')!.deps.push('final.txt');
    assert.deepEqual(findCycle(p), ['a', 'join', 'prep', 'a']);
    assert.throws(() => topoOrder(p), /cycle: a -> join -> prep -> a/);
  });

  it('a 200-stage chain and fan-out orders correctly', () => {
    const lines = ['stages:'];
    for (let i = 0; i < 100; i++) lines.push(`  c${String(i).padStart(3, '0')}: {cmd: x, deps: [${i ? `chain/${i - 1}` : 'src'}], outs: [chain/${i}]}`);
    for (let i = 0; i < 100; i++) lines.push(`  f${String(i).padStart(3, '0')}: {cmd: x, deps: [src], outs: [fan/${i}]}`);
    const order = names(topoOrder(load(lines.join('\n'))));
    assert.equal(order.length, 200);
    assert.equal(order.indexOf('c000') < order.indexOf('c001'), true);
    assert.equal(order.indexOf('c098') < order.indexOf('c099'), true);
  });
});

describe('validatePipeline with the workspace', () => {
  it('a dep that neither exists nor is produced names the stage and the path', () => {
    const p = load(DIAMOND);
    const exists = (f: string) => f === 'raw';
    assert.doesNotThrow(() => validatePipeline(p, { exists }));
    p.stages.get('zeta')!.deps.push('missing.csv');
    assert.throws(() => validatePipeline(p, { exists }), /stage "zeta" depends on "missing\.csv", which does not exist/);
  });
});
