import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';

// A DVCLive-style cairn.yaml: the metrics and params files are written by the training script, not declared on a stage.
const PIPELINE = `stages:
  train:
    cmd: sh train.sh
    deps: [train.sh]
    outs: [dvclive]
    metrics:
      - dvclive/metrics.json: {cache: false}
metrics:
  - dvclive/metrics.json
  - eval/summary.json
params:
  - dvclive/params.yaml
plots:
  - acc:
      x: step
      y: {dvclive/plots/acc.tsv: acc, eval/acc.tsv: [acc, val_acc]}
artifacts:
  classifier:
    path: dvclive/model.pkl
    type: model
`;

describe('top-level metrics, params, plots and artifacts from the CLI', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  before(async () => {
    writeTree(repo.dir, {
      'cairn.yaml': PIPELINE, 'eval/summary.json': '{"f1": 0.7}\n',
      'train.sh': 'mkdir -p dvclive\necho \'{"acc": 0.5}\' > dvclive/metrics.json\necho \'lr: 0.1\' > dvclive/params.yaml\n',
    });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    const r = await cairn(repo.dir, ['repro'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    sh(repo.dir, 'git add -A && git commit -qm v1', repo.env);
  });

  it('`metrics show` includes a top-level metrics file that no stage declares', async () => {
    const r = await cairn(repo.dir, ['metrics', 'show'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /eval\/summary\.json\s+f1\s+0\.7/);
    assert.match(r.stdout, /dvclive\/metrics\.json\s+acc\s+0\.5/);
  });

  it('`metrics diff` and `params diff` see top-level files changing', async () => {
    writeFileSync(path.join(repo.dir, 'eval/summary.json'), '{"f1": 0.75}\n');
    writeFileSync(path.join(repo.dir, 'dvclive/params.yaml'), 'lr: 0.2\n');
    const m = await cairn(repo.dir, ['metrics', 'diff', '--json'], repo.env);
    assert.equal(m.code, 0, m.stderr);
    // dvclive/metrics.json is inside the cached dvclive folder, so not in Git: HEAD's value comes from the cache.
    const rows = JSON.parse(m.stdout).metrics;
    assert.deepEqual(rows.map((x: { file: string; key: string; old: number; new: number }) => [x.file, x.key, x.old, x.new]), [['eval/summary.json', 'f1', 0.7, 0.75]]);
    const p = await cairn(repo.dir, ['params', 'diff'], repo.env);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /dvclive\/params\.yaml\s+lr\s+0\.1\s+0\.2/);
  });

  it('`metrics diff` reads a cached output at a revision from the cache', async () => {
    writeFileSync(path.join(repo.dir, 'dvclive/metrics.json'), '{"acc": 0.6}\n');
    const m = await cairn(repo.dir, ['metrics', 'diff', '--json'], repo.env);
    assert.equal(m.code, 0, m.stderr);
    const row = JSON.parse(m.stdout).metrics.find((x: { file: string }) => x.file === 'dvclive/metrics.json');
    assert.deepEqual([row.old, row.new], [0.5, 0.6]);
  });

  it('`stage list` and `dag` accept the file', async () => {
    assert.equal((await cairn(repo.dir, ['stage', 'list'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['dag'], repo.env)).code, 0);
  });
});

describe('a metrics folder', () => {
  it('stands for the JSON, YAML and TOML files inside it, in the workspace and at a revision (from the cache)', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, {
      'cairn.yaml': 'stages:\n  eval:\n    cmd: sh eval.sh\n    deps: [eval.sh]\n    outs: [eval]\nmetrics:\n  - eval\n',
      'eval.sh': 'mkdir -p eval/per-class\necho \'{"f1": 0.8}\' > eval/summary.json\necho "cat: 0.9" > eval/per-class/cat.yaml\necho png > eval/plot.png\n',
    });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['repro'], repo.env)).code, 0);
    const show = await cairn(repo.dir, ['metrics', 'show', '--json'], repo.env);
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual(JSON.parse(show.stdout), { 'eval/per-class/cat.yaml': { data: { cat: 0.9 } }, 'eval/summary.json': { data: { f1: 0.8 } } });
    assert.doesNotMatch(show.stderr, /does not exist/);
    sh(repo.dir, 'git add -A && git commit -qm eval', repo.env);
    writeFileSync(path.join(repo.dir, 'eval/summary.json'), '{"f1": 0.85}\n');
    const diff = await cairn(repo.dir, ['metrics', 'diff', '--json'], repo.env);
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(JSON.parse(diff.stdout).metrics.map((r: { file: string; old: number; new: number }) => [r.file, r.old, r.new]), [['eval/summary.json', 0.8, 0.85]]);
  });
});
