// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRepo } from '../../src/core/repo.js';
import { loadPipeline } from '../../src/pipeline/loadPipeline.js';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';

/**
 * A pipeline written as DVC users write dvc.yaml (renamed to cairn.yaml, nothing else changed), using together:
 * top-level metrics/params/plots/artifacts, a second pipeline file in a subfolder with its own vars file, YAML merge
 * keys, bash `[[ ]]` (commands run through $SHELL), a params file that an upstream stage writes, and a
 * `cache: false` metrics file that the run cache restores.
 */
const ROOT = `stages:
  prepare:
    cmd: mkdir -p data && if [[ -s raw.txt ]]; then tr a-z A-Z < raw.txt > data/clean.txt; else exit 9; fi
    deps: [raw.txt]
    outs: [data]
  configure:
    cmd: bash configure.sh
    deps: [configure.sh]
    params: [lr]
    outs: [conf/train.yaml]
params:
  - params.yaml
plots:
  - loss:
      x: step
      y: {train/logs/loss.tsv: loss}
      title: Training loss
artifacts:
  classifier:
    path: train/model.bin
    type: model
    labels: [demo]
`;

const TRAIN = `vars:
  - vars.yaml
stages:
  fit: &fit
    cmd: '[[ -s ../data/clean.txt ]] && bash fit.sh \${model.name}'
    deps: [fit.sh, ../data]
    params:
      - ../conf/train.yaml: [lr]
    outs: [model.bin, logs]
    metrics:
      - metrics.json:
          cache: false
  report:
    <<: *fit
    cmd: cat model.bin > report.txt
    deps: [model.bin]
    outs: [report.txt]
    metrics: []
metrics:
  - metrics.json
`;

const FILES = {
  'cairn.yaml': ROOT,
  'raw.txt': 'some text\n',
  'params.yaml': 'lr: 0.1\n',
  // The upstream stage writes the params file `fit` reads (a config generator, as in many DVC projects).
  'configure.sh': 'mkdir -p conf\nlr=$(sed -n "s/^lr: //p" params.yaml)\necho "lr: $lr" > conf/train.yaml\n',
  'train/cairn.yaml': TRAIN,
  'train/vars.yaml': 'model:\n  name: tiny\n',
  'train/fit.sh': [
    'echo run >> ../runs.log',
    'lr=$(sed -n "s/^lr: //p" ../conf/train.yaml)',
    'echo "$1 lr=$lr" > model.bin',
    'mkdir -p logs && printf "step\\tloss\\n1\\t0.9\\n2\\t0.5\\n" > logs/loss.tsv',
    'echo "{\\"acc\\": $(awk "BEGIN { print 0.5 + $lr }"), \\"runs\\": $(wc -l < ../runs.log)}" > metrics.json',
    '',
  ].join('\n'),
};

describe('DVC parity: a dvc.yaml-style pipeline runs end to end', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const env = { ...repo.env, SHELL: '/usr/bin/bash' };
  const run = (...args: string[]) => cairn(repo.dir, args, env);
  const read = (f: string) => readFileSync(path.join(repo.dir, f), 'utf8');
  const outcomes = async () => {
    const r = await run('repro', '--json');
    assert.equal(r.code, 0, r.stderr);
    return Object.fromEntries(JSON.parse(r.stdout).stages.map((s: { stage: string; outcome: string }) => [s.stage, s.outcome]));
  };

  before(async () => {
    writeTree(repo.dir, FILES);
    assert.equal((await run('init')).code, 0);
  });

  it('dag joins both files: params written upstream are an edge too', async () => {
    const r = await run('dag', '--json');
    assert.equal(r.code, 0, r.stderr);
    const edges = JSON.parse(r.stdout).edges.map((e: { from: string; to: string }) => `${e.from} -> ${e.to}`).sort();
    // report merges fit's keys (`<<: *fit`), its params included: it reads conf/train.yaml too.
    assert.deepEqual(edges, [
      'configure -> train/cairn.yaml:fit', 'configure -> train/cairn.yaml:report',
      'prepare -> train/cairn.yaml:fit', 'train/cairn.yaml:fit -> train/cairn.yaml:report',
    ]);
  });

  it('status before the first run says the upstream-written params are read later', async () => {
    const r = await run('status');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /train\/cairn\.yaml:fit:[\s\S]*params in conf\/train\.yaml will be read after upstream stage configure writes them/);
  });

  it('repro runs every stage in order, through bash, with the sub file\'s vars and merged keys', async () => {
    const o = await outcomes();
    assert.deepEqual(o, { prepare: 'ran', configure: 'ran', 'train/cairn.yaml:fit': 'ran', 'train/cairn.yaml:report': 'ran' });
    assert.equal(read('train/model.bin'), 'tiny lr=0.1\n');
    assert.equal(read('train/report.txt'), 'tiny lr=0.1\n');
    assert.match(read('train/cairn.lock'), /report:[\s\S]*params:\n\s+conf\/train\.yaml:\n\s+lr: 0\.1/);
    assert.match((await run('status')).stdout, /Pipeline: 4 stage\(s\), all up to date/);
    sh(repo.dir, 'git add -A && git commit -qm "first run"', repo.env);
  });

  it('the top-level plots and artifacts are kept in the model', async () => {
    const pipeline = await loadPipeline(await openRepo({ cwd: repo.dir, env: {} }));
    assert.deepEqual(pipeline.plots.map((p) => [p.id, p.x?.field, p.y, p.title]), [['loss', 'step', [{ file: 'train/logs/loss.tsv', fields: ['loss'] }], 'Training loss']]);
    assert.deepEqual(pipeline.artifacts.get('classifier'), { name: 'classifier', path: 'train/model.bin', type: 'model', labels: ['demo'], source: 'cairn.yaml' });
    assert.deepEqual(pipeline.params, ['params.yaml']);
    assert.deepEqual(pipeline.metrics, ['train/metrics.json']);
  });

  it('metrics show includes the stage metrics and the top-level view', async () => {
    const r = await run('metrics', 'show', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { 'train/metrics.json': { data: { acc: 0.6, runs: 1 } } });
  });

  it('a param change shows in params diff (top-level params file) and reruns the chain', async () => {
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'lr: 0.2\n');
    const p = await run('params', 'diff', '--json');
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual(JSON.parse(p.stdout).params.map((x: { file: string; key: string; old: unknown; new: unknown }) => [x.file, x.key, x.old, x.new]),
      [['params.yaml', 'lr', 0.1, 0.2]]);
    const o = await outcomes();
    assert.equal(o.configure, 'ran');
    assert.equal(o['train/cairn.yaml:fit'], 'ran');
    assert.equal(read('train/model.bin'), 'tiny lr=0.2\n');
    assert.equal(read('train/metrics.json'), '{"acc": 0.7, "runs": 2}\n');
  });

  it('changing it back restores fit from the run cache, metrics.json included', async () => {
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'lr: 0.1\n');
    const o = await outcomes();
    assert.equal(o['train/cairn.yaml:fit'], 'restored');
    assert.equal(read('runs.log'), 'run\nrun\n');
    assert.equal(read('train/metrics.json'), '{"acc": 0.6, "runs": 1}\n');
    assert.equal(read('train/model.bin'), 'tiny lr=0.1\n');
    assert.match((await run('status')).stdout, /all up to date/);
    const m = await run('metrics', 'diff', '--json');
    assert.equal(m.code, 0, m.stderr);
    assert.deepEqual(JSON.parse(m.stdout).metrics, []);
  });
});
