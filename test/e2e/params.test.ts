import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempDir, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('cairn params diff', () => {
  const repo = tempGitRepo();
  before(async () => {
    await cairn(repo.dir, ['init'], repo.env);
    writeTree(repo.dir, {
      'cairn.yaml': `stages:
  train:
    cmd: python train.py
    params:
      - train.lr
      - train.depth
      - model.toml: [layers]
      - extra.json:
`,
      'params.yaml': 'train:\n  lr: 0.1\n  depth: 3\n  unused: 7\n',
      'model.toml': 'layers = 2\nother = "x"\n',
      'extra.json': '{"seed": 1, "opt": {"name": "adam"}}',
    });
    sh(repo.dir, 'git add -A && git commit -q -m v1', repo.env);
  });
  after(() => repo.cleanup());

  it('with nothing changed it says so', async () => {
    const r = await cairn(repo.dir, ['params', 'diff'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No param changes between HEAD and workspace.\n');
  });

  it('compares HEAD with the workspace across YAML, TOML and whole JSON files; unused keys are ignored', async () => {
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'train:\n  lr: 0.05\n  depth: 3\n  unused: 8\n');
    writeFileSync(path.join(repo.dir, 'model.toml'), 'layers = 4\nother = "y"\n');
    writeFileSync(path.join(repo.dir, 'extra.json'), '{"seed": 1, "opt": {"name": "sgd"}, "new": true}');
    const r = await cairn(repo.dir, ['params', 'diff'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      'Path         Param     HEAD  workspace',
      'extra.json   new       —     true',
      'extra.json   opt.name  adam  sgd',
      'model.toml   layers    2     4',
      'params.yaml  train.lr  0.1   0.05',
      '',
    ].join('\n'));
    const json = JSON.parse((await cairn(repo.dir, ['params', 'diff', '--json'], repo.env)).stdout);
    assert.equal(json.old, 'HEAD');
    assert.equal(json.new, 'workspace');
    assert.deepEqual(json.params.find((p: { key: string }) => p.key === 'train.lr'), {
      file: 'params.yaml', key: 'train.lr', old: 0.1, new: 0.05, change: -0.05, relative: -0.5,
    });
  });

  it('--all lists unchanged params too, and --md prints a Markdown table', async () => {
    const r = await cairn(repo.dir, ['params', 'diff', '--all', '--md'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\| Path \| Param \| HEAD \| workspace \|\n\|---\|---\|---\|---\|\n/);
    assert.match(r.stdout, /\| params\.yaml \| train\.depth \| 3 \| 3 \|/);
    assert.doesNotMatch(r.stdout, /unused/);
  });

  it('compares two revisions', async () => {
    sh(repo.dir, 'git commit -q -am v2', repo.env);
    const r = await cairn(repo.dir, ['params', 'diff', 'HEAD~1', 'HEAD', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const keys = JSON.parse(r.stdout).params.map((p: { key: string }) => p.key);
    assert.deepEqual(keys, ['new', 'opt.name', 'layers', 'train.lr']);
  });

  it('an unknown revision is NOT_FOUND', async () => {
    const r = await cairn(repo.dir, ['params', 'diff', 'nope'], repo.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /unknown Git revision "nope"/);
  });

  it('without Git there is nothing to compare against, and it says so', async () => {
    const plain = tempDir();
    after(() => plain.cleanup());
    await cairn(plain.dir, ['init', '--no-git'], { HOME: plain.dir });
    writeTree(plain.dir, { 'cairn.yaml': 'stages:\n  a:\n    cmd: x\n    params: [lr]\n', 'params.yaml': 'lr: 1\n' });
    const r = await cairn(plain.dir, ['params', 'diff'], { HOME: plain.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs Git/);
  });
});
