import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('cairn metrics', () => {
  const repo = tempGitRepo();
  before(async () => {
    await cairn(repo.dir, ['init'], repo.env);
    writeTree(repo.dir, {
      'cairn.yaml': `stages:
  evaluate:
    cmd: python eval.py
    metrics:
      - metrics.json: {cache: false}
      - eval/scores.yaml: {cache: false}
  bench:
    cmd: ./bench
    metrics:
      - bench.toml
`,
      'metrics.json': '{"f1": 0.91, "precision": 0.9, "confusion": {"tp": 50, "fp": 5}, "curve": [1, 2]}',
      'eval/scores.yaml': 'auc: 0.8\nloss: 0.4\n',
      'bench.toml': 'seconds = 12\n',
    });
    sh(repo.dir, 'git add -A && git commit -q -m v1', repo.env);
  });
  after(() => repo.cleanup());

  it('show flattens JSON, YAML and TOML metrics to dotted keys, in the order the file has them', async () => {
    const r = await cairn(repo.dir, ['metrics', 'show'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      'Path              Metric        Value',
      'bench.toml        seconds       12',
      'eval/scores.yaml  auc           0.8',
      'eval/scores.yaml  loss          0.4',
      'metrics.json      f1            0.91',
      'metrics.json      precision     0.9',
      'metrics.json      confusion.tp  50',
      'metrics.json      confusion.fp  5',
      '',
    ].join('\n'));
    const json = JSON.parse((await cairn(repo.dir, ['metrics', 'show', '--json', 'evaluate'], repo.env)).stdout);
    assert.deepEqual(Object.keys(json).sort(), ['eval/scores.yaml', 'metrics.json']);
    assert.deepEqual(json['eval/scores.yaml'], { data: { auc: 0.8, loss: 0.4 } });
  });

  it('show takes a file path relative to the current folder', async () => {
    const r = await cairn(path.join(repo.dir, 'eval'), ['metrics', 'show', 'scores.yaml', '--md'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '| Path | Metric | Value |\n|---|---|---|\n| eval/scores.yaml | auc | 0.8 |\n| eval/scores.yaml | loss | 0.4 |\n');
    const missing = await cairn(repo.dir, ['metrics', 'show', 'nope.json'], repo.env);
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /no metrics file found: nope\.json/);
    const outside = await cairn(repo.dir, ['metrics', 'show', '../elsewhere.json'], repo.env);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /outside the repository/);
    const badStage = await cairn(repo.dir, ['metrics', 'diff', 'no-such-rev'], repo.env);
    assert.equal(badStage.code, 4);
  });

  it('diff shows old, new, absolute and relative change against HEAD', async () => {
    writeFileSync(path.join(repo.dir, 'metrics.json'), '{"f1": 0.93, "precision": 0.9, "confusion": {"tp": 52, "fp": 5}, "recall": 0.7}');
    writeFileSync(path.join(repo.dir, 'eval', 'scores.yaml'), 'auc: 0.8\nloss: 0.3\n');
    const r = await cairn(repo.dir, ['metrics', 'diff'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      'Path              Metric        HEAD  workspace  Change',
      'eval/scores.yaml  loss          0.4   0.3        −0.1  (−25%)',
      'metrics.json      confusion.tp  50    52         +2  (+4.0%)',
      'metrics.json      f1            0.91  0.93       +0.02  (+2.2%)',
      'metrics.json      recall        —     0.7',
      '',
    ].join('\n'));
    const json = JSON.parse((await cairn(repo.dir, ['metrics', 'diff', '--json', '--all'], repo.env)).stdout);
    const f1 = json.metrics.find((m: { key: string }) => m.key === 'f1');
    assert.equal(f1.change, 0.02);
    assert.ok(Math.abs(f1.relative - 0.02 / 0.91) < 1e-9);
    assert.ok(json.metrics.some((m: { key: string }) => m.key === 'auc'));
  });

  it('diff between two commits, in Markdown', async () => {
    sh(repo.dir, 'git commit -q -am v2', repo.env);
    const r = await cairn(repo.dir, ['metrics', 'diff', 'HEAD~1', 'HEAD', '--md'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\| Path \| Metric \| HEAD~1 \| HEAD \| Change \|\n/);
    assert.match(r.stdout, /\| metrics\.json \| f1 \| 0\.91 \| 0\.93 \| \+0\.02  \(\+2\.2%\) \|/);
    const none = await cairn(repo.dir, ['metrics', 'diff'], repo.env);
    assert.equal(none.stdout, 'No metric changes between HEAD and workspace.\n');
  });

  it('a malformed metrics file is reported by name without failing the others', async () => {
    writeFileSync(path.join(repo.dir, 'bench.toml'), 'seconds = = 3\n');
    const r = await cairn(repo.dir, ['metrics', 'show'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bench\.toml\s+error: bench\.toml is not valid TOML/);
    assert.match(r.stdout, /metrics\.json\s+f1\s+0\.93/);
  });
});
