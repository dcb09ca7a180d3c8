import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { resolvePipeline } from '../../src/pipeline/loadPipeline.js';
import { metricsFiles } from '../../src/pipeline/metrics.js';
import { resolveTopLevel } from '../../src/pipeline/topLevel.js';
import { fails } from '../helpers/cairnError.js';

const load = (yaml: string) => resolvePipeline(parse(yaml) ?? {}, { file: 'cairn.yaml', readData: () => undefined });
const top = (yaml: string, dir = '.', file = 'cairn.yaml') => resolveTopLevel(parse(yaml), { dir, file });

// What DVCLive writes into dvc.yaml (make_dvcyaml), plus a tutorial's multi-file plot.
const DVCLIVE = `
metrics:
  - dvclive/metrics.json
params:
  - dvclive/params.yaml
plots:
  - dvclive/plots/metrics:
      x: step
  - dvclive/plots/images
  - acc:
      template: linear
      title: Accuracy
      x_label: epoch
      y_label: accuracy
      x: {train.csv: epoch}
      y:
        train.csv: acc
        test.csv: [loss, val_loss]
artifacts:
  text-classifier:
    path: models/model.pkl
    type: model
    desc: A fine-tuned classifier
    labels: [nlp, bert]
    meta: {framework: torch, layers: 3}
stages:
  train:
    cmd: python train.py
    outs: [models]
`;

describe('top-level sections of cairn.yaml (as dvc.yaml has them)', () => {
  it('reads DVCLive\'s metrics, params, plots and artifacts into the model', () => {
    const p = load(DVCLIVE);
    assert.deepEqual(p.metrics, ['dvclive/metrics.json']);
    assert.deepEqual(p.params, ['dvclive/params.yaml']);
    assert.equal(p.plots.length, 3);
    assert.deepEqual(p.plots[0], { id: 'dvclive/plots/metrics', y: [{ file: 'dvclive/plots/metrics', fields: [] }], x: { field: 'step' }, source: 'cairn.yaml' });
    assert.deepEqual(p.plots[1].y, [{ file: 'dvclive/plots/images', fields: [] }]);
    assert.deepEqual(p.plots[2], {
      id: 'acc', source: 'cairn.yaml', template: 'linear', title: 'Accuracy', x_label: 'epoch', y_label: 'accuracy',
      x: { file: 'train.csv', field: 'epoch' },
      y: [{ file: 'train.csv', fields: ['acc'] }, { file: 'test.csv', fields: ['loss', 'val_loss'] }],
    });
    assert.deepEqual(p.artifacts.get('text-classifier'), {
      name: 'text-classifier', path: 'models/model.pkl', type: 'model', desc: 'A fine-tuned classifier',
      labels: ['nlp', 'bert'], meta: { framework: 'torch', layers: 3 }, source: 'cairn.yaml',
    });
  });

  it('top-level metrics count for `metrics show`, beside the stages\' own', () => {
    const p = load('metrics: [eval/summary.json]\nstages:\n  t: {cmd: x, metrics: [m.json]}\n');
    assert.deepEqual(metricsFiles(p), ['eval/summary.json', 'm.json']);
    // A stage target means that stage's metrics only.
    assert.deepEqual(metricsFiles(p, ['t']), ['m.json']);
  });

  it('paths are relative to the pipeline file\'s folder', () => {
    const t = top('metrics: [m.json]\nparams: [../params.yaml]\nplots: [{p: {y: {a.csv: acc}}}]\nartifacts: {m: {path: model.pkl}}\n', 'sub', 'sub/cairn.yaml');
    assert.deepEqual(t.metrics, ['sub/m.json']);
    assert.deepEqual(t.params, ['params.yaml']);
    assert.deepEqual(t.plots[0].y, [{ file: 'sub/a.csv', fields: ['acc'] }]);
    assert.equal(t.artifacts[0].path, 'sub/model.pkl');
    assert.equal(t.artifacts[0].source, 'sub/cairn.yaml');
  });

  it('bad entries are clear errors', () => {
    fails(() => load('metrics: m.json\n'), /top-level "metrics" must be a list/);
    fails(() => load('plots: {a: 1}\n'), /"plots" must be a list/);
    fails(() => load('plots: [{a.csv: {z: 1}}]\n'), /unknown key "z" in plot "a\.csv".*did you mean/s);
    fails(() => load('plots: [{p: {y: {a.csv: 3}}}]\n'), /fields of a\.csv must be a name or a list/);
    fails(() => load('plots: [{p: {x: {a.csv: s, b.csv: t}, y: {a.csv: v}}}]\n'), /x of plot "p" must be a field or \{file: field\} for one file/);
    fails(() => load('plots: [a.csv, a.csv]\n'), /plot "a\.csv" is declared twice/);
    fails(() => load('artifacts: {Model: {path: m.pkl}}\n'), /bad artifact name "Model".*lowercase/s);
    fails(() => load('artifacts: {m: {type: model}}\n'), /artifact "m" has no "path"/);
    fails(() => load('artifacts: {m: {path: m.pkl, tags: [x]}}\n'), /unknown key "tags" in artifact "m".*known keys: path, type, desc, labels, meta/s);
    fails(() => load('artifacts: {m: {path: m.pkl, labels: nlp}}\n'), /"labels" of artifact "m" must be a list/);
    fails(() => load('metrics: [../m.json]\n'), /outside the repository/);
  });

  it('a stage\'s metrics and plots may sit inside its own output folder, but not inside another stage\'s', () => {
    const p = load('stages:\n  t:\n    cmd: x\n    outs: [dvclive]\n    metrics: [dvclive/metrics.json: {cache: false}]\n    plots: [dvclive/plots/loss.tsv]\n');
    assert.deepEqual(p.stages.get('t')!.outs.map((o) => o.path), ['dvclive', 'dvclive/metrics.json', 'dvclive/plots/loss.tsv']);
    fails(() => load('stages:\n  a: {cmd: x, outs: [dvclive]}\n  b: {cmd: y, metrics: [dvclive/m.json]}\n'), /inside output "dvclive" of stage "a"/);
    fails(() => load('stages:\n  a: {cmd: x, outs: [d, d/sub]}\n'), /inside output "d"/);
  });
});

describe('templating in the top-level sections', () => {
  it('`${...}` takes values from params.yaml and vars, as in DVC', () => {
    const p = resolvePipeline(parse('vars: [{out: eval}]\nmetrics: ["${out}/m.json"]\nartifacts:\n  model:\n    path: models/${model.name}.pkl\n    desc: ${model.name} model\n'), {
      file: 'cairn.yaml', readData: (f) => (f === 'params.yaml' ? { model: { name: 'tiny' } } : undefined),
    });
    assert.deepEqual(p.metrics, ['eval/m.json']);
    assert.equal(p.artifacts.get('model')!.path, 'models/tiny.pkl');
    assert.equal(p.artifacts.get('model')!.desc, 'tiny model');
    fails(() => load('metrics: ["${nope}/m.json"]\n'), /cannot interpolate "\$\{nope\}" in top-level metrics/);
  });
});
