import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatHash, parseHash } from '../../web/src/lib/router';
import { decodeRunsState, encodeRunsState, toggleSort, type RunsState } from '../../web/src/lib/runsState';

function roundTrip(state: RunsState): RunsState {
  const { path, query } = encodeRunsState(state);
  const loc = parseHash(formatHash(path, query));
  const id = /^\/experiments\/(.+)$/.exec(loc.path)?.[1];
  return decodeRunsState(id ? { id: decodeURIComponent(id) } : {}, loc.query);
}

test('the runs view state survives the URL: filter, sort, columns, pins, group, selection, lifecycle', () => {
  const full: RunsState = {
    experimentIds: ['4'],
    filter: "metrics.acc > 0.9 and params.opt = 'a,b&c'",
    sort: [{ id: 'metrics.val loss', desc: true }, { id: 'params.lr', desc: false }],
    columns: ['attributes.run_name', 'metrics.val loss', 'params.a,b'],
    pinned: ['attributes.run_name'],
    widths: { 'attributes.run_name': 300, 'params.a,b': 64 },
    groupBy: 'params.opt',
    selected: ['r1', 'r2', 'r3'],
    viewType: 'DELETED_ONLY',
  };
  assert.deepEqual(roundTrip(full), full);
  const several: RunsState = { ...full, experimentIds: ['1', '2'], viewType: 'ALL', columns: [] };
  assert.deepEqual(roundTrip(several), several);
  assert.equal(encodeRunsState(several).path, '/runs');
  const plain: RunsState = { experimentIds: ['0'], filter: '', sort: [], columns: null, pinned: [], widths: {}, groupBy: null, selected: [], viewType: 'ACTIVE_ONLY' };
  assert.deepEqual(roundTrip(plain), plain);
  assert.equal(formatHash(encodeRunsState(plain).path, encodeRunsState(plain).query), '#/experiments/0', 'a default view has a short URL');
});

test('column widths in a hand-edited link are kept within bounds, and a malformed one is dropped', () => {
  const state = decodeRunsState({ id: '1' }, { w: 'metrics.acc:5,params.lr:99999,params.x:120,nonsense' });
  assert.deepEqual(state.widths, { 'metrics.acc': 48, 'params.lr': 800, 'params.x': 120 });
});

test('toggleSort: asc, desc, off; shift adds tie-breakers', () => {
  let s = toggleSort([], 'metrics.acc', false);
  assert.deepEqual(s, [{ id: 'metrics.acc', desc: false }]);
  s = toggleSort(s, 'metrics.acc', false);
  assert.deepEqual(s, [{ id: 'metrics.acc', desc: true }]);
  assert.deepEqual(toggleSort(s, 'metrics.acc', false), []);
  s = toggleSort(s, 'params.lr', true);
  assert.deepEqual(s, [{ id: 'metrics.acc', desc: true }, { id: 'params.lr', desc: false }]);
  assert.deepEqual(toggleSort(s, 'params.lr', false), [{ id: 'params.lr', desc: true }]);
});
