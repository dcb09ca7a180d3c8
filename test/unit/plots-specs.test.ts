import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CairnError } from '../../src/core/errors.js';
import { buildPlotData } from '../../src/experiments/plots/buildPlotData.js';
import { plotSpecFromDefinition } from '../../src/experiments/plots/plotDefinition.js';
import { plotSpecs } from '../../src/experiments/plots/plotSpecs.js';
import type { PlotSpec } from '../../src/experiments/plots/plotSpec.js';
import { selectPlotSpecs } from '../../src/experiments/plots/selectPlotSpecs.js';
import { resolvePipeline } from '../../src/pipeline/loadPipeline.js';

const specsOf = (yaml: string) => plotSpecs(resolvePipeline(parse(yaml), { file: 'cairn.yaml', readData: () => undefined }));

function fails(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CairnError, String(err));
    assert.equal(err.code, code);
    assert.match(`${err.message}\n${err.hint ?? ''}`, pattern);
    return true;
  });
}

const PIPELINE = `
stages:
  train:
    cmd: ./train
    plots:
      - logs/train.csv: {x: epoch, y: [loss, acc], title: Training, x_label: Epoch}
      - cm.json: {template: confusion}
  eval:
    cmd: ./eval
    plots:
      - roc.json
`;

describe('plot specs from cairn.yaml', () => {
  it('each stage plot becomes a spec with its options, in declaration order; y may list several fields', () => {
    const specs = specsOf(PIPELINE);
    assert.deepEqual(specs.map((s) => s.id), ['logs/train.csv', 'cm.json', 'roc.json']);
    assert.deepEqual(specs[0], {
      id: 'logs/train.csv', template: 'linear', x: { field: 'epoch' },
      y: [{ file: 'logs/train.csv', field: 'loss' }, { file: 'logs/train.csv', field: 'acc' }],
      title: 'Training', xLabel: 'Epoch', source: 'stage "train"', stage: 'train',
    });
    assert.deepEqual(specs[2].y, [{ file: 'roc.json' }]);
  });

  it('an unknown template is INVALID and lists the templates', () => {
    fails(() => specsOf('stages:\n  t:\n    cmd: x\n    plots:\n      - a.csv: {template: pie}\n'), 'INVALID',
      /unknown plot template "pie" in plots "a\.csv" of stage "t"[^]*linear, simple, scatter, smooth, confusion, confusion_normalized, bar_horizontal, bar_horizontal_sorted/);
  });
});

describe('top-level plot definitions (the shape dvc.yaml uses)', () => {
  const opts = { source: 'top-level plots', where: 'plots "loss" of cairn.yaml' };

  it('x from one file and y from several files, the id being a name', () => {
    const spec = plotSpecFromDefinition('loss', { x: { 'epochs.csv': 'epoch' }, y: { 'train.csv': 'loss', 'val.csv': ['loss', 'val_loss'] }, title: 'Loss' }, opts);
    assert.deepEqual(spec, {
      id: 'loss', template: 'linear', x: { file: 'epochs.csv', field: 'epoch' },
      y: [{ file: 'train.csv', field: 'loss' }, { file: 'val.csv', field: 'loss' }, { file: 'val.csv', field: 'val_loss' }],
      source: 'top-level plots', title: 'Loss',
    });
  });

  it('a path entry with a y field, and paths made relative to a pipeline file in a subfolder', () => {
    const spec = plotSpecFromDefinition('logs.csv', { x: 'step', y: 'acc', template: 'smooth' }, { ...opts, files: (p) => `sub/${p}` });
    assert.deepEqual(spec, { id: 'sub/logs.csv', template: 'smooth', x: { field: 'step' }, y: [{ file: 'sub/logs.csv', field: 'acc' }], source: 'top-level plots' });
  });

  it('malformed x, y and texts are INVALID errors naming the definition', () => {
    fails(() => plotSpecFromDefinition('p', { x: { 'a.csv': 'e', 'b.csv': 'e' } }, opts), 'INVALID', /plots "loss" of cairn\.yaml: x must be a field name, or one file/);
    fails(() => plotSpecFromDefinition('p', { y: { 'a.csv': [] } }, opts), 'INVALID', /the y fields of a\.csv must be a field name or a list/);
    fails(() => plotSpecFromDefinition('p', { y: {} }, opts), 'INVALID', /y names no file/);
    fails(() => plotSpecFromDefinition('p', { title: 3 } as never, opts), 'INVALID', /title must be text/);
  });
});

describe('plot data from rows', () => {
  const spec: PlotSpec = { id: 'l.csv', template: 'linear', x: { field: 'epoch' }, y: [{ file: 'l.csv', field: 'loss' }], source: 't' };
  const rows = { 'l.csv': [{ epoch: 1, loss: 0.5, acc: 0.1 }, { epoch: 2, loss: 0.4, acc: 0.2 }] };

  it('one series a revision, labelled by revision; x and y labels from the fields', () => {
    const { data, problems } = buildPlotData(spec, [{ label: 'HEAD', files: rows }, { label: 'workspace', files: rows }]);
    assert.deepEqual(problems, []);
    assert.deepEqual(data.series.map((s) => s.label), ['HEAD', 'workspace']);
    assert.deepEqual(data.series[0].points, [{ x: 1, y: 0.5 }, { x: 2, y: 0.4 }]);
    assert.equal(data.xLabel, 'epoch');
    assert.equal(data.yLabel, 'loss');
    assert.equal(data.title, 'l.csv');
  });

  it('no y: the last field that is not x; no x: `step` when the rows have it, else the row number', () => {
    const noY = buildPlotData({ ...spec, y: [{ file: 'l.csv' }] }, [{ label: 'w', files: rows }]).data;
    assert.equal(noY.series[0].field, 'acc');
    const noX = buildPlotData({ ...spec, x: undefined }, [{ label: 'w', files: rows }]).data;
    assert.deepEqual(noX.series[0].points.map((p) => p.x), [0, 1]);
    const withStep = buildPlotData({ ...spec, x: undefined, y: [{ file: 's.tsv' }] }, [{ label: 'w', files: { 's.tsv': [{ step: 5, loss: 1 }, { step: 6, loss: 2 }] } }]).data;
    assert.deepEqual(withStep.series[0].points, [{ x: 5, y: 1 }, { x: 6, y: 2 }]);
  });

  it('x from one file and y series from several files (a top-level plot), matched by row', () => {
    const multi: PlotSpec = {
      id: 'loss', template: 'linear', x: { file: 'epochs.csv', field: 'epoch' },
      y: [{ file: 'train.csv', field: 'loss' }, { file: 'val.csv', field: 'loss' }, { file: 'val.csv', field: 'val_loss' }], source: 'top-level plots',
    };
    const files = {
      'epochs.csv': [{ epoch: 10 }, { epoch: 20 }],
      'train.csv': [{ loss: 1 }, { loss: 0.5 }],
      'val.csv': [{ loss: 1.2, val_loss: 1.1 }, { loss: 0.7, val_loss: 0.6 }],
    };
    const { data } = buildPlotData(multi, [{ label: 'workspace', files }]);
    assert.deepEqual(data.series.map((s) => s.label), ['train.csv: loss', 'val.csv: loss', 'val.csv: val_loss']);
    assert.deepEqual(data.series[1].points, [{ x: 10, y: 1.2 }, { x: 20, y: 0.7 }]);
    assert.equal(data.yLabel, '');
  });

  it('a field the file lacks is an error naming the file and its fields; other revisions still plot', () => {
    const { data, problems } = buildPlotData(spec, [{ label: 'HEAD', files: { 'l.csv': [{ epoch: 1, acc: 1 }] } }, { label: 'workspace', files: rows }]);
    assert.equal(data.series.length, 1);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /l\.csv has no field "loss" for the plot's y axis \(HEAD\)/);
    assert.match(problems[0].hint ?? '', /its fields are: epoch, acc/);
  });

  it('numeric text counts as a number, booleans as class names, empty values are left out', () => {
    const cm: PlotSpec = { id: 'p.yaml', template: 'confusion', y: [{ file: 'p.yaml' }], source: 't' };
    const rows = { 'p.yaml': [{ actual: true, predicted: false }, { actual: '1', predicted: null }] };
    assert.deepEqual(buildPlotData(cm, [{ label: 'w', files: rows }]).data.series[0].points, [{ x: 'true', y: 'false' }]);
    const line = buildPlotData(spec, [{ label: 'w', files: { 'l.csv': [{ epoch: '1', loss: ' 0.5 ' }, { epoch: 2, loss: '' }] } }]).data;
    assert.deepEqual(line.series[0].points, [{ x: 1, y: 0.5 }]);
  });

  it('a file with a header and no rows is a problem, not an empty chart', () => {
    const { data, problems } = buildPlotData(spec, [{ label: 'w', files: { 'l.csv': [] } }]);
    assert.equal(data.series.length, 0);
    assert.match(problems[0].message, /l\.csv has no rows to plot/);
  });

  it('confusion templates default to the actual and predicted fields', () => {
    const cm: PlotSpec = { id: 'cm.json', template: 'confusion', y: [{ file: 'cm.json' }], source: 't' };
    const { data } = buildPlotData(cm, [{ label: 'w', files: { 'cm.json': [{ actual: 'a', predicted: 'b' }] } }]);
    assert.deepEqual(data.series[0].points, [{ x: 'a', y: 'b' }]);
    assert.equal(data.xLabel, 'actual');
    assert.equal(data.yLabel, 'predicted');
  });
});

describe('choosing plots', () => {
  const declared = specsOf(PIPELINE);
  const target = (raw: string, exists = false) => ({ raw, path: raw, exists });

  it('no targets: every declared plot; a plot id, a stage name or an existing file selects', () => {
    assert.equal(selectPlotSpecs(declared, []).length, 3);
    assert.deepEqual(selectPlotSpecs(declared, [target('train')]).map((s) => s.id), ['logs/train.csv', 'cm.json']);
    assert.deepEqual(selectPlotSpecs(declared, [target('roc.json')]).map((s) => s.id), ['roc.json']);
    const file = selectPlotSpecs(declared, [target('other.tsv', true)]);
    assert.deepEqual(file, [{ id: 'other.tsv', template: 'linear', y: [{ file: 'other.tsv' }], source: 'a target file' }]);
  });

  it('an unknown target is NOT_FOUND with a suggestion', () => {
    fails(() => selectPlotSpecs(declared, [target('trian')]), 'NOT_FOUND', /no plot, stage or plot file named "trian"[^]*did you mean "train"/);
  });

  it('command-line options override every selected plot; a bad --template is INVALID', () => {
    const [s] = selectPlotSpecs(declared, [target('logs/train.csv')], { template: 'scatter', x: 'step', y: ['val_loss'], title: 'T' });
    assert.equal(s.template, 'scatter');
    assert.deepEqual(s.x, { field: 'step' });
    assert.deepEqual(s.y, [{ file: 'logs/train.csv', field: 'val_loss' }]);
    assert.equal(s.title, 'T');
    fails(() => selectPlotSpecs(declared, [], { template: 'pie' }), 'INVALID', /unknown plot template "pie" in the --template option/);
  });
});
