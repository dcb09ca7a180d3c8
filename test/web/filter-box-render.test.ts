import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { FilterBox } from '../../web/src/components/FilterBox';
import { RunsTable } from '../../web/src/components/RunsTable';
import { arrangeColumns, tableRows } from '../../web/src/lib/columns';

const KEYS = { params: ['lr'], metrics: ['acc'], tags: [] };

test("the filter box shows a bad filter's column and a caret under it; a good one shows none", () => {
  const bad = renderToString(createElement(FilterBox, { value: 'metrics.acc >> 1', keys: KEYS, onApply: () => undefined }));
  assert.match(bad, /column <!-- -->14<!-- -->: /);
  assert.match(bad, /aria-invalid="true"/);
  assert.match(bad, /class="filter-caret mono"/);
  const good = renderToString(createElement(FilterBox, { value: 'metrics.acc > 1', keys: KEYS, onApply: () => undefined }));
  assert.doesNotMatch(good, /filter-problem|aria-invalid/);
  // A problem the server found (its error's data.column) is shown for the applied filter too.
  const server = renderToString(createElement(FilterBox, { value: 'metrics.acc > 1', keys: KEYS, serverProblem: { column: 3, message: 'nope' }, onApply: () => undefined }));
  assert.match(server, /column <!-- -->3<!-- -->: <!-- -->nope/);
});

test('the runs table renders its header with sort state, and no rows before it has measured its scroller', () => {
  const run = { id: 'r1', name: 'first', experimentId: '1', status: 'RUNNING' as const, user: 'u', startTime: 1, endTime: null, lifecycle: 'active' as const, artifactUri: '', params: { lr: '0.1' }, metrics: { acc: 0.5 }, tags: {} };
  const html = renderToString(
    createElement(RunsTable, {
      rows: tableRows([run], null),
      columns: arrangeColumns(['attributes.run_name', 'metrics.acc', 'params.lr'], ['params.lr']),
      pinned: new Set(['params.lr']),
      sort: [{ id: 'metrics.acc', desc: true }],
      selected: new Set<string>(),
      onSort() {}, onSelect() {}, onSelectAll() {}, onMoveColumn() {}, onTogglePin() {}, onHideColumn() {}, onResizeColumn() {}, onToggleGroup() {}, onOpenRun() {},
    }),
  );
  const headers = [...html.matchAll(/data-column="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(headers, ['params.lr', 'attributes.run_name', 'metrics.acc'], 'pinned first');
  assert.match(html, /data-column="metrics.acc" aria-sort="descending"/);
  assert.match(html, /aria-rowcount="1"/);
  assert.equal([...html.matchAll(/role="separator"[^>]*aria-label="Resize /g)].length, 3, 'every column has a resize handle');
});
