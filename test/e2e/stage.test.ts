import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('cairn stage add', () => {
  const repo = tempGitRepo();
  const file = path.join(repo.dir, 'cairn.yaml');
  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, { 'cairn.yaml': '# my pipeline\nstages:\n  prepare:\n    # split the data\n    cmd: python prep.py  # fast\n    outs: [data/clean]\n' });
  });
  after(() => repo.cleanup());

  it('adds a stage and keeps the comments and layout of the file', async () => {
    const r = await cairn(repo.dir, [
      'stage', 'add', '-n', 'train', '-d', 'train.py', '-d', 'data/clean', '-p', 'lr,model.depth', '-p', 'train.toml:epochs',
      '-o', 'model.pkl', '-O', 'logs', '-M', 'metrics.json', '--plots', 'roc.csv', '--desc', 'Fit it', 'python', 'train.py', '--epochs', '3',
    ], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Added stage "train"/);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('# my pipeline\nstages:\n  prepare:\n    # split the data\n    cmd: python prep.py  # fast\n    outs: [data/clean]\n'), text);
    assert.match(text, /  train:\n    desc: Fit it\n    cmd: python train.py --epochs 3\n/);
    assert.match(text, /params:\n      - lr\n      - model.depth\n      - train.toml:\n          - epochs\n/);
    assert.match(text, /outs:\n      - model.pkl\n      - logs:\n          cache: false\n/);
    assert.match(text, /metrics:\n      - metrics.json:\n          cache: false\n/);
  });

  it('stage list shows names, descriptions and outputs, and --json the model', async () => {
    const r = await cairn(repo.dir, ['stage', 'list'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^prepare  python prep\.py  → data\/clean$/m);
    assert.match(r.stdout, /^train    Fit it  → model\.pkl, logs, metrics\.json, roc\.csv$/m);
    const json = JSON.parse((await cairn(repo.dir, ['stage', 'list', '--json'], repo.env)).stdout);
    assert.deepEqual(json.map((s: { name: string }) => s.name), ['prepare', 'train']);
    assert.deepEqual(json[1].params, [{ file: 'params.yaml', keys: ['lr', 'model.depth'] }, { file: 'train.toml', keys: ['epochs'] }]);
    assert.deepEqual(json[1].outs[1], { path: 'logs', kind: 'out', cache: false, persist: false, push: true });
  });

  it('refuses an existing name without --force, and replaces it in place with --force', async () => {
    const beforeText = readFileSync(file, 'utf8');
    const r = await cairn(repo.dir, ['stage', 'add', '-n', 'prepare', '-o', 'x', 'echo'], repo.env);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /stage "prepare" already exists/);
    assert.match(r.stderr, /--force/);
    assert.equal(readFileSync(file, 'utf8'), beforeText);
    const f = await cairn(repo.dir, ['stage', 'add', '-f', '-n', 'prepare', '-o', 'data/clean', 'python prep.py --fast'], repo.env);
    assert.equal(f.code, 0, f.stderr);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.indexOf('prepare:') < text.indexOf('train:'), 'replaced in place');
    assert.match(text, /cmd: python prep\.py --fast/);
  });

  it('refuses an output inside another stage\'s output and changes nothing', async () => {
    const beforeText = readFileSync(file, 'utf8');
    const r = await cairn(repo.dir, ['stage', 'add', '-n', 'extra', '-o', 'data/clean/more', 'echo'], repo.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /"data\/clean\/more" of stage "extra" is inside output "data\/clean" of stage "prepare"/);
    assert.equal(readFileSync(file, 'utf8'), beforeText);
  });

  it('refuses a bad name, an output outside the repo, and a missing command', async () => {
    const beforeText = readFileSync(file, 'utf8');
    const bad = await cairn(repo.dir, ['stage', 'add', '-n', 'a/b', 'echo'], repo.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad stage name "a\/b"/);
    const outside = await cairn(repo.dir, ['stage', 'add', '-n', 'o', '-o', '../x', 'echo'], repo.env);
    assert.equal(outside.code, 3);
    assert.match(outside.stderr, /outside the repository/);
    const nocmd = await cairn(repo.dir, ['stage', 'add', '-n', 'o'], repo.env);
    assert.equal(nocmd.code, 2);
    assert.equal(readFileSync(file, 'utf8'), beforeText);
  });

  it('run from a subfolder, paths are relative to it through wdir', async () => {
    writeTree(repo.dir, { 'sub/.keep': '' });
    const r = await cairn(path.join(repo.dir, 'sub'), ['stage', 'add', '-n', 'local', '-o', 'out.txt', 'echo hi > out.txt'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse((await cairn(repo.dir, ['stage', 'list', '--json'], repo.env)).stdout);
    const local = json.find((s: { name: string }) => s.name === 'local');
    assert.equal(local.wdir, 'sub');
    assert.equal(local.outs[0].path, 'sub/out.txt');
  });

  it('creates cairn.yaml when there is none', async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    await cairn(other.dir, ['init'], other.env);
    const r = await cairn(other.dir, ['stage', 'add', '-n', 'hello', '-o', 'hello.txt', '--', 'echo', '-n', 'hi'], other.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(other.dir, 'cairn.yaml'), 'utf8'), 'stages:\n  hello:\n    cmd: echo -n hi\n    outs:\n      - hello.txt\n');
  });
});

describe('cairn stage list on a broken cairn.yaml', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('reports unknown keys with did-you-mean, bad YAML with a line, and a bad interpolation with key and stage', async () => {
    await cairn(repo.dir, ['init'], repo.env);
    const file = path.join(repo.dir, 'cairn.yaml');
    writeFileSync(file, 'stages:\n  train:\n    cmd: x\n    outz: [m]\n');
    let r = await cairn(repo.dir, ['stage', 'list'], repo.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /unknown key "outz" in stage "train"/);
    assert.match(r.stderr, /did you mean "outs"/);
    writeFileSync(file, 'stages:\n  train:\n    cmd: [x\n');
    r = await cairn(repo.dir, ['stage', 'list'], repo.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cairn\.yaml is not valid YAML \(line \d+, column \d+\)/);
    // The error ends with the offending line under a caret, not a dangling "at line 4, column 1:".
    writeFileSync(file, 'stages:\n  train:\n    cmd: x\n  bad: : y\n');
    r = await cairn(repo.dir, ['stage', 'list'], repo.env);
    assert.equal(r.code, 3);
    assert.doesNotMatch(r.stderr, /column \d+:\s*\n/);
    assert.match(r.stderr, /\n {2}4 \| {3}bad: : y\n {4}\| +\^\nhint: fix the syntax of cairn\.yaml/);
    writeFileSync(file, 'stages: [a]\n');
    r = await cairn(repo.dir, ['stage', 'list'], repo.env);
    assert.equal(r.code, 3);
    assert.doesNotMatch(r.stderr, /\\n/);
    writeFileSync(file, 'stages:\n  train:\n    cmd: python t.py --lr ${train.lr}\n');
    r = await cairn(repo.dir, ['stage', 'list', '--json'], repo.env);
    assert.equal(r.code, 3);
    const err = JSON.parse(r.stdout).error;
    assert.match(err.message, /\$\{train\.lr\}.*stage "train"/);
  });

  it('a missing vars file is named', async () => {
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), 'vars: [conf.yaml]\nstages:\n  a:\n    cmd: x\n');
    const r = await cairn(repo.dir, ['stage', 'list'], repo.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /vars: file conf\.yaml does not exist/);
  });
});
