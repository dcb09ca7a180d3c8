import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';

// Two pipeline files, as DVC projects split dvc.yaml by folder: paths, vars and params of `sub/cairn.yaml` are
// relative to `sub/`, its lock is `sub/cairn.lock`, and its stages are addressed `sub/cairn.yaml:<name>`.
const ROOT = `stages:
  prepare:
    cmd: tr a-z A-Z < in.txt > data.txt
    deps: [in.txt]
    outs: [data.txt]
`;
const SUB = `vars:
  - conf.yaml
stages:
  train:
    cmd: cat ../data.txt > model.txt && echo "\${tag}" >> model.txt && grep lr params.yaml >> model.txt
    deps: [../data.txt]
    params: [lr]
    outs: [model.txt]
  prepare:
    cmd: echo sub > local.txt
    outs: [local.txt]
`;

describe('several pipeline files make one graph', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const run = (...args: string[]) => cairn(repo.dir, args, repo.env);
  const read = (f: string) => readFileSync(path.join(repo.dir, f), 'utf8');

  before(async () => {
    writeTree(repo.dir, {
      'cairn.yaml': ROOT, 'in.txt': 'hello\n',
      'sub/cairn.yaml': SUB, 'sub/conf.yaml': 'tag: v1\n', 'sub/params.yaml': 'lr: 0.1\n',
      // An ignored folder's pipeline file is not part of the graph (as DVC skips .dvcignore'd ones).
      'ignored/cairn.yaml': 'stages:\n  broken: {cmd: [}\n', '.gitignore': 'ignored/\n',
      'vendor/cairn.yaml': 'stages:\n  nope:\n    cmd: exit 1\n', '.cairnignore': 'vendor/\n',
    });
    assert.equal((await run('init')).code, 0);
  });

  it('`stage list` and `dag` show the stages of both files by address', async () => {
    const list = await run('stage', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    const stages = JSON.parse(list.stdout) as { name: string; file: string; deps: string[]; outs: { path: string }[]; wdir: string }[];
    assert.deepEqual(stages.map((s) => s.name).sort(), ['prepare', 'sub/cairn.yaml:prepare', 'sub/cairn.yaml:train']);
    const train = stages.find((s) => s.name === 'sub/cairn.yaml:train')!;
    assert.equal(train.file, 'sub/cairn.yaml');
    assert.equal(train.wdir, 'sub');
    assert.deepEqual(train.deps, ['data.txt']);
    assert.deepEqual(train.outs.map((o) => o.path), ['sub/model.txt']);
    const dag = await run('dag', '--json');
    assert.equal(dag.code, 0, dag.stderr);
    assert.deepEqual(JSON.parse(dag.stdout).edges.map((e: { from: string; to: string }) => [e.from, e.to]), [['prepare', 'sub/cairn.yaml:train']]);
  });

  it('`repro` runs both files in one order and writes a lock beside each file', async () => {
    const r = await run('repro');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(read('sub/model.txt'), 'HELLO\nv1\nlr: 0.1\n');
    assert.match(read('cairn.lock'), /^ {2}prepare:/m);
    assert.doesNotMatch(read('cairn.lock'), /train/);
    assert.match(read('sub/cairn.lock'), /^ {2}train:\n/m);
    assert.match(read('sub/cairn.lock'), /params:\n\s+sub\/params\.yaml:\n\s+lr: 0\.1/);
    assert.match(r.stdout, /git add .*cairn\.lock.*sub\/cairn\.lock/);
    const status = await run('status');
    assert.match(status.stdout, /Pipeline: 3 stage\(s\), all up to date/);
  });

  it('gc keeps the outputs of an uncommitted sub/cairn.lock, and checkout restores them', async () => {
    const gc = await run('gc', '-w', '-f');
    assert.equal(gc.code, 0, gc.stderr);
    sh(repo.dir, 'rm sub/model.txt');
    const co = await run('checkout', 'sub/model.txt');
    assert.equal(co.code, 0, co.stderr);
    assert.equal(read('sub/model.txt'), 'HELLO\nv1\nlr: 0.1\n');
  });

  it('a bare name that is in two files is ambiguous; addresses and unique names work', async () => {
    const amb = await run('repro', 'prepare', '--dry');
    // `prepare` is the root file's stage (its bare name is its address).
    assert.equal(amb.code, 0, amb.stderr);
    const sub = await run('repro', 'sub/cairn.yaml:prepare', '--dry');
    assert.equal(sub.code, 0, sub.stderr);
    assert.match(sub.stdout, /sub\/cairn\.yaml:prepare/);
    const uniq = await run('repro', 'train', '--dry', '--json');
    assert.equal(uniq.code, 0, uniq.stderr);
    assert.deepEqual(JSON.parse(uniq.stdout).stages.map((s: { stage: string }) => s.stage), ['prepare', 'sub/cairn.yaml:train']);
    // A pipeline file in a target is relative to the current folder, as in DVC.
    const here = await cairn(path.join(repo.dir, 'sub'), ['repro', 'cairn.yaml:prepare', '--dry', '--json'], repo.env);
    assert.equal(here.code, 0, here.stderr);
    assert.deepEqual(JSON.parse(here.stdout).stages.map((s: { stage: string }) => s.stage), ['sub/cairn.yaml:prepare']);
    const up = await cairn(path.join(repo.dir, 'sub'), ['dag', '../cairn.yaml:prepare', '--json'], repo.env);
    assert.deepEqual(JSON.parse(up.stdout).nodes.map((n: { name: string }) => n.name), ['prepare']);
    const file = await run('repro', 'sub/cairn.yaml', '--dry', '--json');
    assert.equal(file.code, 0, file.stderr);
    assert.deepEqual(JSON.parse(file.stdout).stages.map((s: { stage: string }) => s.stage).sort(), ['prepare', 'sub/cairn.yaml:prepare', 'sub/cairn.yaml:train']);
  });

  it('a change in the sub file\'s params reruns only its stage; freeze works by address', async () => {
    writeFileSync(path.join(repo.dir, 'sub/params.yaml'), 'lr: 0.2\n');
    const status = await run('status');
    assert.match(status.stdout, /sub\/cairn\.yaml:train:\n\s+param lr \(sub\/params\.yaml\) changed: 0\.1 -> 0\.2/);
    const frz = await run('freeze', 'sub/cairn.yaml:train');
    assert.equal(frz.code, 0, frz.stderr);
    assert.match(read('sub/cairn.yaml'), /frozen: true/);
    assert.doesNotMatch(read('cairn.yaml'), /frozen/);
    assert.match((await run('repro')).stdout, /frozen: sub\/cairn\.yaml:train/);
    assert.equal((await run('unfreeze', 'train')).code, 0);
    const r = await run('repro');
    assert.match(r.stdout, /ran: sub\/cairn\.yaml:train/);
    assert.equal(read('sub/model.txt'), 'HELLO\nv1\nlr: 0.2\n');
  });

  it('an ambiguous bare name lists the candidates', async () => {
    writeTree(repo.dir, { 'other/cairn.yaml': 'stages:\n  train:\n    cmd: echo o > o.txt\n    outs: [o.txt]\n' });
    const r = await run('repro', 'train');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"train" names stages in 2 pipeline files: other\/cairn\.yaml:train, sub\/cairn\.yaml:train/);
    sh(repo.dir, 'rm -r other');
  });

  it('params diff, metrics and checkout of outputs see every file at a revision', async () => {
    sh(repo.dir, 'git add -A && git commit -qm pipelines', repo.env);
    writeFileSync(path.join(repo.dir, 'sub/params.yaml'), 'lr: 0.3\n');
    const p = await run('params', 'diff');
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /sub\/params\.yaml\s+lr\s+0\.2\s+0\.3/);
    // The outputs of sub/cairn.lock are tracked data: a deleted one comes back with `cairn checkout`.
    sh(repo.dir, 'rm sub/model.txt');
    const co = await run('checkout');
    assert.equal(co.code, 0, co.stderr);
    assert.ok(existsSync(path.join(repo.dir, 'sub/model.txt')));
  });
});
