import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExpName, generateExpName } from '../../src/experiments/expNames.js';
import { formatExpMessage, parseExpSummary, SUMMARY_VERSION, type ExpSummary } from '../../src/experiments/expSummary.js';
import { elide, expColumns, expCsv, findColumn, renderExpTable, sortRows, type ExpRow } from '../../src/experiments/expTable.js';

const row = (label: string, kind: ExpRow['kind'], score: number | undefined, lr: number, extra: Partial<ExpRow> = {}): ExpRow => ({
  label, kind, metrics: score === undefined ? {} : { 'metrics.json': { score } }, params: { 'params.yaml': { 'train.lr': lr } }, deps: { 'data/x': 'ab'.repeat(32) }, ...extra,
});

describe('the experiments table', () => {
  const rows = [row('workspace', 'workspace', 0.5, 0.1), row('abc1234', 'baseline', 0.5, 0.1, { commit: 'abc' }), row('e1', 'experiment', 0.7, 0.2, { baseline: 'abc' }), row('e2', 'experiment', 0.9, 0.3, { baseline: 'abc' }), row('e3', 'experiment', undefined, 0.4, { baseline: 'abc' })];

  it('has metrics, then params, then deps columns; a key in two files is named with its file', () => {
    const cols = expColumns([...rows, row('e4', 'experiment', 1, 1, { metrics: { 'other.json': { score: 1 }, 'metrics.json': { score: 1 } } })]);
    assert.deepEqual(cols.map((c) => `${c.group}:${c.label}`), ['metrics:metrics.json:score', 'metrics:other.json:score', 'params:train.lr', 'deps:data/x']);
    assert.deepEqual(expColumns(rows, { onlyChanged: true }).map((c) => c.label), ['score', 'train.lr']);
  });

  it('sorts experiments within their baseline, rows without the value last', () => {
    const col = findColumn(expColumns(rows), 'metrics.score');
    assert.deepEqual(sortRows(rows, col, 'desc').map((r) => r.label), ['workspace', 'abc1234', 'e2', 'e1', 'e3']);
    assert.deepEqual(sortRows(rows, col, 'asc').map((r) => r.label), ['workspace', 'abc1234', 'e1', 'e2', 'e3']);
    assert.throws(() => findColumn(expColumns(rows), 'metrics.nope'), /no column "metrics.nope"/);
  });

  it('draws the tree, short oids and dashes for missing values', () => {
    const lines = renderExpTable(rows, expColumns(rows));
    assert.match(lines[0], /^Experiment\s+score\s+train\.lr\s+data\/x$/);
    assert.match(lines[3], /^├── e1\s+0\.7\s+0\.2\s+abababab$/);
    assert.match(lines[4], /^├── e2\s+0\.9\s+0\.3\s+abababab$/);
    assert.match(lines[5], /^└── e3\s+—\s+0\.4\s+abababab$/);
  });

  it('fits a width by eliding the widest columns first, then leaving out the last ones with a note', () => {
    const wide = rows.map((r) => ({ ...r, params: { 'params.yaml': { 'a.very.long.parameter.name': 'x'.repeat(40), 'train.lr': 1 } } }));
    const lines = renderExpTable(wide, expColumns(wide), 60);
    for (const l of lines) assert.ok(l.length <= 60, l);
    assert.match(lines.join('\n'), /…/);
    const tiny = renderExpTable(wide, expColumns(wide), 30);
    for (const l of tiny) assert.ok(l.length <= 30, l);
    assert.match(tiny.join(' '), /more columns? left out/);
    assert.equal(elide('abcdefghij', 5), 'ab…ij');
  });

  it('writes CSV with quoting', () => {
    const csv = expCsv([row('a,b', 'experiment', 1, 2)], expColumns([row('a,b', 'experiment', 1, 2)]));
    assert.equal(csv[1], `"a,b",experiment,,,1,2,${'ab'.repeat(32)}`);
  });
});

describe('experiment names and summaries', () => {
  it('checks names so they make valid Git refs', () => {
    for (const ok of ['a', 'lr-0.1', 'Exp_2']) assert.equal(checkExpName(ok), ok);
    for (const bad of ['', '-x', 'a..b', 'a/b', 'x.lock', 'a b', 'x.', 'ü']) assert.throws(() => checkExpName(bad), /cannot be an experiment name/, bad);
  });

  it('generates adjective-noun names that avoid taken ones, and terminates when all are taken', () => {
    let i = 0;
    const seq = [0, 0, 0, 0, 0.5, 0.5];
    const name = generateExpName(new Set(['amber-alder']), () => seq[i++ % seq.length]);
    assert.notEqual(name, 'amber-alder');
    assert.match(name, /^[a-z]+-[a-z]+$/);
    assert.equal(generateExpName(new Set(['amber-alder']), () => 0), 'amber-alder-2');
  });

  it('round-trips the summary through a commit message', () => {
    const s: ExpSummary = { version: SUMMARY_VERSION, name: 'x', baseline: 'b', changes: [{ file: null, key: 'lr', op: 'set', value: 0.1 }], params: {}, metrics: { m: { a: 1 } }, deps: {}, created: 1, durationMs: 2 };
    const msg = formatExpMessage(s);
    assert.match(msg, /^cairn exp x: lr=0\.1\n\n/);
    assert.deepEqual(parseExpSummary(msg.split('\n\n')[1]), s);
    assert.equal(parseExpSummary('no summary here'), null);
    assert.equal(parseExpSummary('cairn-experiment: {broken'), null);
  });
});
