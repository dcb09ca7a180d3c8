import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { resolvePipeline } from '../../src/pipeline/loadPipeline.js';
import type { Pipeline } from '../../src/pipeline/types.js';
import { fails } from '../helpers/cairnError.js';

/** Resolves cairn.yaml text with an in-memory set of params/vars files. */
function load(yaml: string, files: Record<string, unknown> = {}): Pipeline {
  return resolvePipeline(parse(yaml) ?? {}, { file: 'cairn.yaml', readData: (f) => files[f] });
}

describe('cairn.yaml stages', () => {
  it('normalises a plain stage: cmd list, repo-relative paths from wdir, output options', () => {
    const p = load(`
stages:
  train:
    wdir: src
    cmd: python train.py
    deps: [train.py, ../data/clean]
    outs:
      - ../model.pkl
      - cache/: {persist: true, cache: false}
    metrics:
      - ../metrics.json: {cache: false}
    plots:
      - ../roc.csv: {x: fpr, y: tpr, title: ROC}
    desc: Fit the model
    frozen: true
    always_changed: false
`);
    const s = p.stages.get('train')!;
    assert.deepEqual(s.cmd, ['python train.py']);
    assert.equal(s.wdir, 'src');
    assert.deepEqual(s.deps, ['src/train.py', 'data/clean']);
    assert.deepEqual(s.outs.map((o) => [o.path, o.kind, o.cache, o.persist, o.push]), [
      ['model.pkl', 'out', true, false, true],
      ['src/cache', 'out', false, true, true],
      ['metrics.json', 'metric', false, false, true],
      ['roc.csv', 'plot', true, false, true],
    ]);
    assert.deepEqual(s.outs[3].plot, { x: 'fpr', y: 'tpr', title: 'ROC' });
    assert.equal(s.desc, 'Fit the model');
    assert.equal(s.frozen, true);
    assert.equal(s.alwaysChanged, false);
    assert.deepEqual(s.source, { file: 'cairn.yaml', key: 'train' });
  });

  it('reads params like DVC: keys of params.yaml in wdir, other files with keys, whole files', () => {
    const p = load(`
stages:
  a:
    cmd: x
    params:
      - lr
      - model.depth
      - train.toml: [epochs]
      - extra.json:
      - all.yaml: []
      - config.json
`, { 'params.yaml': { lr: 0.1, model: { depth: 3 } } });
    assert.deepEqual(p.stages.get('a')!.params, [
      { file: 'params.yaml', keys: ['lr', 'model.depth'] },
      { file: 'train.toml', keys: ['epochs'] },
      { file: 'extra.json', keys: null },
      { file: 'all.yaml', keys: null },
      { file: 'config.json', keys: null },
    ]);
  });

  it('an empty file has no stages', () => {
    assert.equal(load('').stages.size, 0);
  });
});

describe('cairn.yaml templating', () => {
  it('interpolates params.yaml, vars (inline and files) and stage vars, keeping whole-value types', () => {
    const p = load(`
vars:
  - {data: data/raw, cmds: [echo one, echo two]}
  - conf.json:model
stages:
  prep:
    vars:
      - {split: 0.2}
    cmd: \${cmds}
    deps:
      - \${data}/\${files[1]}
    outs:
      - out-\${split}-\${model.name}-\${lr}.txt
  flags:
    cmd: python t.py \${train} --lit \\\${x}
`, { 'params.yaml': { lr: 0.5, files: ['a', 'b'], train: { epochs: 3, fast: true, slow: false } }, 'conf.json': { model: { name: 'nb' }, other: 1 } });
    const s = p.stages.get('prep')!;
    assert.deepEqual(s.cmd, ['echo one', 'echo two']);
    assert.deepEqual(s.deps, ['data/raw/b']);
    assert.equal(s.outs[0].path, 'out-0.2-nb-0.5.txt');
    assert.deepEqual(p.stages.get('flags')!.cmd, ['python t.py --epochs 3 --fast --lit ${x}']);
  });

  it('a bad interpolation names the key and the stage', () => {
    const err = fails(() => load('stages:\n  train:\n    cmd: python t.py --lr ${model.lr}\n', { 'params.yaml': { model: {} } }), /model\.lr.*stage "train"/);
    assert.deepEqual(err.data, { key: 'model.lr', stage: 'train', field: 'cmd' });
  });

  it('a list inside a path string is refused', () => {
    fails(() => load('stages:\n  s:\n    cmd: x\n    deps:\n      - a-${l}\n', { 'params.yaml': { l: [1, 2] } }), /\$\{l\}.*stage "s".*list/);
  });

  it('a missing vars file or key is refused', () => {
    fails(() => load('vars: [nope.yaml]\nstages: {}\n'), /vars: file nope\.yaml does not exist/);
    fails(() => load('vars: ["c.yaml:x"]\nstages: {}\n', { 'c.yaml': { y: 1 } }), /key "x" is not in c\.yaml/);
  });
});

describe('foreach and matrix', () => {
  it('foreach over a list of scalars, a list of mappings and a mapping names instances like DVC', () => {
    const p = load(`
stages:
  build:
    foreach: [us, eu]
    do:
      cmd: make \${item}
      outs:
        - out/\${item}
  fit:
    foreach: \${models}
    do:
      cmd: fit \${item.name}
      outs:
        - m/\${item.name}
  region:
    foreach: {north: {n: 1}, south: {n: 2}}
    do:
      cmd: r \${key} \${item.n}
      outs:
        - r/\${key}
`, { 'params.yaml': { models: [{ name: 'a' }, { name: 'b' }] } });
    assert.deepEqual([...p.stages.keys()], ['build@us', 'build@eu', 'fit@0', 'fit@1', 'region@north', 'region@south']);
    assert.deepEqual(p.stages.get('fit@1')!.cmd, ['fit b']);
    assert.deepEqual(p.stages.get('region@south')!.cmd, ['r south 2']);
    assert.equal(p.stages.get('build@eu')!.group, 'build');
  });

  it('matrix makes the product, named by the values joined with "-"', () => {
    const p = load(`
stages:
  train:
    matrix: {lr: [0.1, 0.01], depth: [3, 5]}
    cmd: train --lr \${item.lr} --depth \${item.depth}
    outs:
      - models/\${item.lr}-\${item.depth}.pkl
`);
    assert.deepEqual([...p.stages.keys()], ['train@0.1-3', 'train@0.1-5', 'train@0.01-3', 'train@0.01-5']);
    assert.deepEqual(p.stages.get('train@0.01-5')!.cmd, ['train --lr 0.01 --depth 5']);
  });

  it('foreach with other keys beside do is refused with a hint', () => {
    fails(() => load('stages:\n  b:\n    foreach: [1]\n    cmd: x\n    do: {cmd: y}\n'), /only "foreach" and "do", not "cmd"/);
  });
});

describe('cairn.yaml validation', () => {
  it('unknown top-level and stage keys get a did-you-mean', () => {
    fails(() => load('stage:\n  a: {cmd: x}\n'), /unknown key "stage".*did you mean "stages"/s);
    fails(() => load('stages:\n  a: {cmd: x, dep: [y]}\n'), /unknown key "dep" in stage "a".*did you mean "deps"/s);
    fails(() => load('stages:\n  a: {cmd: x, outs: [{m: {cach: false}}]}\n'), /unknown key "cach".*did you mean "cache"/s);
    fails(() => load('datasets: []\nstages: {}\n'), /"datasets".*not supported.*cairn import/s);
  });

  it('the same output in two stages names both', () => {
    fails(() => load('stages:\n  a: {cmd: x, outs: [m.pkl]}\n  b: {cmd: y, metrics: [m.pkl]}\n'), /"m\.pkl".*stage "a" and stage "b"/);
  });

  it('an output inside another stage\'s output names both', () => {
    fails(() => load('stages:\n  a: {cmd: x, outs: [data]}\n  b: {cmd: y, outs: [data-x, data/sub/f]}\n'), /"data\/sub\/f" of stage "b" is inside output "data" of stage "a"/);
  });

  it('a cycle names the stages in order', () => {
    fails(() => load('stages:\n  a: {cmd: x, deps: [c.txt], outs: [a.txt]}\n  b: {cmd: y, deps: [a.txt], outs: [b.txt]}\n  c: {cmd: z, deps: [b.txt], outs: [c.txt]}\n'), /cycle: a -> b -> c -> a/);
  });

  it('a stage depending on its own output is refused', () => {
    fails(() => load('stages:\n  a: {cmd: x, deps: [o/x], outs: [o]}\n'), /own output/);
  });

  it('outputs outside the repository, absolute paths and bad stage names are refused', () => {
    fails(() => load('stages:\n  a: {cmd: x, outs: [../m.pkl]}\n'), /outside the repository/);
    fails(() => load('stages:\n  a: {cmd: x, wdir: sub, outs: [../../m.pkl]}\n'), /outside the repository/);
    fails(() => load('stages:\n  a: {cmd: x, deps: [/etc/passwd]}\n'), /absolute/);
    fails(() => load('stages:\n  "a b": {cmd: x}\n'), /bad stage name "a b"/);
    fails(() => load('stages:\n  "a@b": {cmd: x}\n'), /bad stage name/);
  });

  it('missing or malformed fields are explained', () => {
    fails(() => load('stages:\n  a: {deps: [x]}\n'), /stage "a": missing "cmd"/);
    fails(() => load('stages:\n  a: {cmd: x, deps: y}\n'), /"deps" must be a list/);
    fails(() => load('stages:\n  a: {cmd: x, frozen: yes-please}\n'), /"frozen" must be true or false/);
    fails(() => load('stages:\n  a: {cmd: x, outs: [{m: {cache: "no"}}]}\n'), /"cache" of outs "m" must be true or false/);
  });
});
