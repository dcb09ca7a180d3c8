import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../../web/src/api/types';
import { alignSeries, forLogScale, smooth, xValues, type RunSeries } from '../../web/src/lib/chartData';
import { dataChanges, layoutDag } from '../../web/src/lib/dagLayout';
import { compareRows } from '../../web/src/lib/diffColumns';
import { parseCsv, previewKind } from '../../web/src/lib/preview';

const s = (runId: string, steps: number[], values: number[], t0 = 1000): RunSeries => ({ runId, label: runId, steps, timestamps: steps.map((x) => t0 + x * 1000), values, startTime: t0 });

test('alignSeries joins runs on one sorted x axis, null where a run has no point', () => {
  const [xs, a, b] = alignSeries([s('a', [0, 2], [1, 3]), s('b', [1, 2], [5, 6])], 'step');
  assert.deepEqual(xs, [0, 1, 2]);
  assert.deepEqual(a, [1, null, 3]);
  assert.deepEqual(b, [null, 5, 6]);
});

test('x is the step, wall time in seconds, or seconds since the run started', () => {
  const one = s('a', [0, 5], [1, 2], 10_000);
  assert.deepEqual(xValues(one, 'step'), [0, 5]);
  assert.deepEqual(xValues(one, 'time'), [10, 15]);
  assert.deepEqual(xValues(one, 'relative'), [0, 5]);
});

test('EMA smoothing is debiased, leaves weight 0 alone, and keeps NaN as a gap without poisoning the rest', () => {
  assert.deepEqual(smooth([1, 2, 3], 0), [1, 2, 3]);
  const out = smooth([4, 4, NaN, 4], 0.9);
  assert.equal(out[0], 4, 'the first point is not pulled towards 0');
  assert.equal(out[2], null);
  assert.ok(Math.abs(out[3]! - 4) < 1e-9);
  assert.deepEqual(forLogScale([1, 0, -1, null, 2]), [1, null, null, null, 2]);
});

const run = (id: string, params: Record<string, string>, metrics: Record<string, number>): Run => ({
  id, name: id, experimentId: '0', status: 'FINISHED', user: '', startTime: 0, endTime: 1, lifecycle: 'active', artifactUri: '', params, metrics, tags: {},
});

test('compareRows shows only what differs when asked (a key one run lacks differs too)', () => {
  const runs = [run('a', { lr: '0.1', opt: 'adam' }, { acc: 0.9 }), run('b', { lr: '0.2', opt: 'adam' }, { acc: 0.9, loss: 1 })];
  assert.deepEqual(compareRows(runs, true).map((r) => r.key), ['lr', 'loss']);
  assert.deepEqual(compareRows(runs, false).map((r) => `${r.kind}:${r.key}`), ['param:lr', 'param:opt', 'metric:acc', 'metric:loss']);
});

test('previews by file name, and CSV with quotes', () => {
  assert.deepEqual(['a.png', 'm.json', 't.csv', 'r.html', 'log.txt', 'MLmodel', 'w.bin'].map(previewKind), ['image', 'json', 'csv', 'html', 'text', 'text', 'binary']);
  assert.deepEqual(parseCsv('a,b\n"x, y","say ""hi"""\n1,2'), [['a', 'b'], ['x, y', 'say "hi"'], ['1', '2']]);
});

test('the DAG layout puts a stage right of what it depends on; data changes between commits by path', () => {
  const dag = { nodes: ['prep', 'train', 'eval'].map((name) => ({ name, cmd: [], deps: [], outs: [], frozen: false })), edges: [{ from: 'prep', to: 'train', paths: [] }, { from: 'train', to: 'eval', paths: [] }] };
  const layout = layoutDag(dag);
  const x = (n: string) => layout.nodes.find((m) => m.name === n)!.x;
  assert.ok(x('prep') < x('train') && x('train') < x('eval'));
  assert.equal(layout.edges.length, 2);
  const e = (path: string, oid: string) => ({ path, kind: 'file', oid, size: 1 });
  const changes = dataChanges({ commit: 'a', data: [e('x', '1'), e('y', '2')] }, { commit: 'b', data: [e('x', '1'), e('y', '3'), e('z', '4')] });
  assert.deepEqual(changes.map((c) => `${c.path}:${c.change}`), ['y:modified', 'z:added']);
});
