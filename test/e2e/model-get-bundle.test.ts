import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { cairn, sh, tempDir, tempGitRepo } from '../helpers/cli.js';

/** Reads a .tar.gz back: every entry's path, type, mode and content (ustar, as tar and Python's tarfile read it). */
function readTarGz(file: string): Map<string, { type: string; mode: number; content: Buffer }> {
  const tar = gunzipSync(readFileSync(file));
  const entries = new Map<string, { type: string; mode: number; content: Buffer }>();
  for (let pos = 0; pos + 512 <= tar.length; ) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    const field = (o: number, n: number) => header.subarray(o, o + n).toString('utf8').replace(/\0.*$/s, '');
    assert.equal(field(257, 6), 'ustar');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    assert.equal(parseInt(field(148, 8), 8), sum, 'header checksum');
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join('/');
    const size = parseInt(field(124, 12), 8);
    entries.set(name, { type: field(156, 1) === '5' ? 'dir' : 'file', mode: parseInt(field(100, 8), 8), content: tar.subarray(pos + 512, pos + 512 + size) });
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

describe('cairn model get and bundle', () => {
  let repo: ReturnType<typeof tempGitRepo>;
  let remote: string;
  const run = (args: string[], cwd = repo.dir) => cairn(cwd, args, repo.env);
  before(async () => {
    repo = tempGitRepo();
    remote = path.join(path.dirname(repo.dir), 'data-remote');
    assert.equal((await run(['init', '-q'])).code, 0);
    assert.equal((await run(['remote', 'add', '-d', 'store', remote])).code, 0);
    mkdirSync(path.join(repo.dir, 'data'));
    writeFileSync(path.join(repo.dir, 'data', 'train.csv'), 'x,y\n1,2\n');
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'train:\n  lr: 0.1\n');
    writeFileSync(path.join(repo.dir, 'train.sh'), [
      'mkdir -p model && cp data/train.csv model/weights.bin',
      "printf '#!/bin/sh\\necho ok\\n' > model/predict.sh && chmod +x model/predict.sh",
      'echo \'{"acc": 0.91}\' > metrics.json',
      '',
    ].join('\n'));
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), [
      'stages:',
      '  train:',
      '    cmd: sh train.sh',
      '    deps: [data/train.csv, train.sh]',
      '    params: [train.lr]',
      '    outs: [model]',
      '    metrics: [{metrics.json: {cache: false}}]',
      'artifacts:',
      '  clf:',
      '    path: model',
      '    type: model',
      '    desc: A tiny classifier',
      '    serve: ./model/predict.sh --port 8080',
      '',
    ].join('\n'));
    assert.equal((await run(['add', '-q', 'data/train.csv'])).code, 0);
    const r = await run(['repro', '-q']);
    assert.equal(r.code, 0, r.stderr);
    sh(repo.dir, 'git add -A && git commit -qm train', repo.env);
    assert.equal((await run(['push', '-q'])).code, 0);
    assert.equal((await run(['model', 'register', 'clf'])).code, 0);
    assert.equal((await run(['model', 'promote', 'clf', 'v0.0.1', '--to', 'prod'])).code, 0);
  });
  after(() => repo.cleanup());

  it('gets a version from another repository by URL, from its data remote, keeping no clone', async () => {
    const elsewhere = tempDir();
    try {
      const r = await cairn(elsewhere.dir, ['model', 'get', 'clf#prod', '--repo', `file://${repo.dir}`, '--json'], repo.env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.version, 'v0.0.1');
      assert.equal(out.alias, 'prod');
      assert.deepEqual(out.from, ['remote "store" of file://' + repo.dir]);
      assert.equal(readFileSync(path.join(elsewhere.dir, 'model', 'weights.bin'), 'utf8'), 'x,y\n1,2\n');
      assert.deepEqual(readdirSync(elsewhere.dir), ['model'], 'nothing else is left behind');
    } finally {
      elsewhere.cleanup();
    }
  });

  it('gets a version of this repository with -o, and refuses to overwrite without --force', async () => {
    let r = await run(['model', 'get', 'clf@v0.0.1', '-o', 'fetched']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Downloaded clf v0\.0\.1 at [0-9a-f]{12} to .*fetched: 2 files/);
    assert.ok(existsSync(path.join(repo.dir, 'fetched', 'predict.sh')));
    r = await run(['model', 'get', 'clf', '-o', 'fetched']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /fetched already exists/);
    r = await run(['model', 'get', 'clf#staging']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /alias "staging" of model "clf" points at no version\nhint: its aliases: prod/);
  });

  it('bundles the model files and a model card with commit, data, params, metrics, stages, load and serve', async () => {
    const r = await run(['model', 'bundle', 'clf@v0.0.1', '-o', 'clf.tar.gz', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const entries = readTarGz(path.join(repo.dir, 'clf.tar.gz'));
    assert.deepEqual([...entries.keys()], ['model-card.json', 'MODEL_CARD.md', 'model/', 'model/model/', 'model/model/predict.sh', 'model/model/weights.bin']);
    assert.equal(entries.get('model/model/weights.bin')!.content.toString(), 'x,y\n1,2\n');
    assert.equal(entries.get('model/model/predict.sh')!.mode, 0o755);
    const card = JSON.parse(entries.get('model-card.json')!.content.toString());
    assert.equal(card.commit, sh(repo.dir, 'git rev-parse HEAD', repo.env).trim());
    assert.equal(card.tag, 'clf@v0.0.1');
    assert.deepEqual(card.aliases, ['prod']);
    assert.deepEqual(card.metrics, { acc: 0.91 });
    assert.deepEqual(card.params, { 'params.yaml': { 'train.lr': 0.1 } });
    assert.equal(card.serve, './model/predict.sh --port 8080');
    assert.deepEqual(card.stages.map((s: { name: string }) => s.name), ['train']);
    const input = card.data.find((d: { path: string }) => d.path === 'data/train.csv');
    assert.match(input.oid, /^[0-9a-f]{64}$/);
    assert.equal(card.data[0].role, 'model');
    assert.match(card.load, /the model is the folder model\/model\//);
    assert.ok(card.environment.node, 'an environment is recorded');
    const md = entries.get('MODEL_CARD.md')!.content.toString();
    assert.match(md, /^# clf v0\.0\.1\n\nA tiny classifier/);
    assert.match(md, /## Serve\n\n```\n\.\/model\/predict\.sh --port 8080/);
    assert.match(md, /\*\*train\*\*: `sh train\.sh`/);
  });

  it('bundling the same version twice gives the same bytes; an existing archive needs --force', async () => {
    const first = readFileSync(path.join(repo.dir, 'clf.tar.gz'));
    let r = await run(['model', 'bundle', 'clf@v0.0.1', '-o', 'clf.tar.gz']);
    assert.equal(r.code, 5);
    r = await run(['model', 'bundle', 'clf@v0.0.1', '-o', 'again.tar.gz']);
    assert.equal(r.code, 0, r.stderr);
    const a = readTarGz(path.join(repo.dir, 'again.tar.gz'));
    const b = readTarGz(path.join(repo.dir, 'clf.tar.gz'));
    assert.deepEqual([...a.keys()], [...b.keys()]);
    assert.deepEqual(a.get('model/model/weights.bin'), b.get('model/model/weights.bin'));
    assert.ok(first.length > 0);
  });
  it('with --run, the card records the environment the run (or its parent run) captured', async () => {
    const runs = JSON.parse((await run(['runs', 'list', '--json'])).stdout).runs as Array<{ info: { run_id: string; run_name: string } }>;
    const train = runs.find((r) => r.info.run_name === 'train')!;
    sh(repo.dir, 'git commit -q --allow-empty -m again', repo.env);
    let r = await run(['model', 'register', 'clf', '--run', train.info.run_id]);
    assert.equal(r.code, 0, r.stderr);
    r = await run(['model', 'bundle', 'clf@v0.0.2', '-o', 'v2.tar.gz']);
    assert.equal(r.code, 0, r.stderr);
    const card = JSON.parse(readTarGz(path.join(repo.dir, 'v2.tar.gz')).get('model-card.json')!.content.toString());
    assert.equal(card.run_id, train.info.run_id);
    assert.match(card.environment.source, /^run [0-9a-f]{32}$/);
    assert.ok(card.environment.node);
  });
  it('promote --if --run evaluates the gate on that run of the tracking store', async () => {
    const runs = JSON.parse((await run(['runs', 'list', '--json'])).stdout).runs as Array<{ info: { run_id: string; run_name: string } }>;
    const train = runs.find((r) => r.info.run_name === 'train')!.info.run_id;
    let r = await run(['model', 'promote', 'clf', 'v0.0.1', '--to', 'gated', '--if', 'metrics.acc > 0.95', '--run', train.slice(0, 8)]);
    assert.equal(r.code, 14);
    assert.match(r.stderr, /metrics\.acc > 0\.95 \(metrics\.acc is 0\.91\)/);
    r = await run(['model', 'promote', 'clf', 'v0.0.1', '--to', 'gated', '--if', "metrics.acc > 0.9 and params.train.lr = '0.1'", '--run', train]);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('a model of a nested pipeline file', () => {
  let repo: ReturnType<typeof tempGitRepo>;
  before(async () => {
    repo = tempGitRepo();
    assert.equal((await cairn(repo.dir, ['init', '-q'], repo.env)).code, 0);
    mkdirSync(path.join(repo.dir, 'nlp'));
    writeFileSync(path.join(repo.dir, 'nlp', 'train.sh'), 'echo weights > clf.bin\n');
    writeFileSync(path.join(repo.dir, 'nlp', 'cairn.yaml'), 'stages:\n  train:\n    cmd: sh train.sh\n    deps: [train.sh]\n    outs: [clf.bin]\nartifacts:\n  clf:\n    path: clf.bin\n');
    assert.equal((await cairn(repo.dir, ['repro', '-q'], repo.env)).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm nlp', repo.env);
  });
  after(() => repo.cleanup());

  it('is named dir/cairn.yaml:name (= in its tags), and its files come from the nested cairn.lock', async () => {
    let r = await cairn(repo.dir, ['model', 'register', 'nlp/cairn.yaml:clf', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.tag, 'nlp/cairn.yaml=clf@v0.0.1');
    assert.equal(out.metadata.path, 'nlp/clf.bin');
    assert.equal('labels' in out.metadata, false, 'empty keys are left out');
    r = await cairn(repo.dir, ['model', 'get', 'nlp/cairn.yaml:clf', '-o', 'got.bin'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'got.bin'), 'utf8'), 'weights\n');
  });
});
