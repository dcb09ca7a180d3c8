import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../../web/src/api/types';
import { arrangeColumns, cellValue, columnOf, defaultColumnIds, moveColumn, orderByClauses, quotedId, sortRuns, tableRows } from '../../web/src/lib/columns';

function run(id: string, over: Partial<Run> = {}): Run {
  return { id, name: id, experimentId: '1', status: 'FINISHED', user: 'u', startTime: 1000, endTime: 2000, lifecycle: 'active', artifactUri: '', params: {}, metrics: {}, tags: {}, ...over };
}

test('columns: ids in the filter grammar, cells of every kind, duration computed', () => {
  const r = run('a', { params: { lr: '0.1' }, metrics: { acc: 0.9 }, tags: { team: 'x' }, startTime: 1000, endTime: 4500 });
  assert.equal(cellValue(r, columnOf('params.lr')!), '0.1');
  assert.equal(cellValue(r, columnOf('metrics.acc')!), 0.9);
  assert.equal(cellValue(r, columnOf('metrics.nope')!), null);
  assert.equal(cellValue(r, columnOf('tags.team')!), 'x');
  assert.equal(cellValue(r, columnOf('attributes.duration')!), 3500);
  assert.equal(cellValue(run('b', { endTime: null, status: 'RUNNING' }), columnOf('attributes.duration')!), null);
  assert.equal(columnOf('attributes.bogus'), null);
  assert.equal(columnOf('nodot'), null);
  assert.equal(columnOf('metrics.val.loss')!.name, 'val.loss');
  assert.deepEqual(defaultColumnIds({ params: ['lr'], metrics: ['acc'], tags: ['mlflow.user'] }), [
    'attributes.run_name', 'attributes.status', 'attributes.start_time', 'attributes.duration', 'attributes.user_id', 'metrics.acc', 'params.lr',
  ]);
});

test('pinned columns come first; moving a column puts it before another', () => {
  assert.deepEqual(arrangeColumns(['attributes.run_name', 'metrics.acc', 'params.lr', 'bogus'], ['params.lr']).map((c) => c.id), ['params.lr', 'attributes.run_name', 'metrics.acc']);
  assert.deepEqual(moveColumn(['a', 'b', 'c', 'd'], 'd', 'b'), ['a', 'd', 'b', 'c']);
  assert.deepEqual(moveColumn(['a', 'b', 'c'], 'a', null), ['b', 'c', 'a']);
});

test('sorting: numbers numerically, missing and NaN last in both directions, ties newest first then by id', () => {
  const runs = [
    run('a', { metrics: { acc: 0.5 }, startTime: 1 }),
    run('b', { metrics: { acc: NaN }, startTime: 2 }),
    run('c', { metrics: { acc: 10 }, startTime: 3 }),
    run('d', { startTime: 4 }),
    run('e', { metrics: { acc: 0.5 }, startTime: 5 }),
    run('f', { metrics: { acc: -Infinity }, startTime: 6 }),
  ];
  const ids = (rs: Run[]) => rs.map((r) => r.id);
  const asc = ids(sortRuns(runs, [{ id: 'metrics.acc', desc: false }]));
  assert.deepEqual(asc.slice(0, 4), ['f', 'e', 'a', 'c']);
  assert.deepEqual(new Set(asc.slice(4)), new Set(['b', 'd']));
  const desc = ids(sortRuns(runs, [{ id: 'metrics.acc', desc: true }]));
  assert.deepEqual(desc.slice(0, 4), ['c', 'e', 'a', 'f']);
  assert.deepEqual(ids(sortRuns(runs, [])), ['f', 'e', 'd', 'c', 'b', 'a'], 'default: newest first');
  // Strings byte-wise; a second key breaks ties.
  const p = [run('x', { params: { o: 'b' }, metrics: { m: 1 } }), run('y', { params: { o: 'a' }, metrics: { m: 2 } }), run('z', { params: { o: 'b' }, metrics: { m: 3 } })];
  assert.deepEqual(ids(sortRuns(p, [{ id: 'params.o', desc: false }, { id: 'metrics.m', desc: true }])), ['y', 'z', 'x']);
  assert.deepEqual(ids(sortRuns([run('s', { startTime: 1, endTime: 9 }), run('t', { startTime: 1, endTime: 3 })], [{ id: 'attributes.duration', desc: false }])), ['t', 's']);
});

test('order_by for the server: quoted keys, client-only columns left out', () => {
  assert.deepEqual(orderByClauses([{ id: 'metrics.val loss', desc: true }, { id: 'attributes.duration', desc: false }, { id: 'params.lr', desc: false }]), ['metrics.`val loss` DESC', 'params.lr ASC']);
  assert.equal(quotedId('tags.a`b c'), 'tags.`a``b c`');
});

test('grouping by a param: groups in order of their first run, (none) last, collapsed groups hide their runs', () => {
  const runs = [run('a', { params: { opt: 'sgd' } }), run('b'), run('c', { params: { opt: 'adam' } }), run('d', { params: { opt: 'sgd' } })];
  const rows = tableRows(runs, 'params.opt');
  assert.deepEqual(
    rows.map((r) => (r.type === 'group' ? `[${r.value}:${r.count}]` : r.run.id)),
    ['[sgd:2]', 'a', 'd', '[adam:1]', 'c', '[null:1]', 'b'],
  );
  const collapsed = tableRows(runs, 'params.opt', new Set(['=sgd']));
  assert.deepEqual(collapsed.map((r) => (r.type === 'group' ? `[${r.value}${r.collapsed ? '+' : ''}]` : r.run.id)), ['[sgd+]', '[adam]', 'c', '[null]', 'b']);
  assert.equal(tableRows(runs, null).length, 4);
});
