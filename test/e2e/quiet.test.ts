import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import { cairn, tempDir, tempGitRepo, writeTree } from '../helpers/cli.js';

const PIPELINE = `stages:
  train:
    cmd: >-
      cp data/in.txt model.txt && echo '{"acc":0.9}' > metrics.json
    deps: [data/in.txt]
    outs: [model.txt]
    metrics: [{metrics.json: {cache: false}}]
`;

/** -q prints only errors, warnings and the data a command was asked for; summaries and git hints go. */
describe('cairn -q', () => {
  const repo = tempGitRepo();
  const remote = tempDir();
  after(() => (repo.cleanup(), remote.cleanup()));
  const q = async (...args: string[]) => {
    const r = await cairn(repo.dir, ['-q', ...args], repo.env);
    assert.equal(r.code, 0, `cairn -q ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const silent = async (...args: string[]) => {
    const r = await q(...args);
    assert.equal(r.stdout, '', `cairn -q ${args.join(' ')} printed:\n${r.stdout}`);
    assert.equal(r.stderr, '', `cairn -q ${args.join(' ')} printed on stderr:\n${r.stderr}`);
  };

  before(() => {
    writeTree(repo.dir, { 'data/in.txt': 'hello\n', 'other.bin': 'other\n' });
  });

  it('silences what commands that change things report, and the hints to record them with git', async () => {
    await silent('init');
    await silent('add', 'data', 'other.bin');
    const loud = await cairn(repo.dir, ['add', 'data'], repo.env);
    assert.match(loud.stdout, /unchanged data \(1 file/, 'without -q the summary is printed');
    assert.match(loud.stdout, /To record this with git/);
    writeTree(repo.dir, { 'data/in.txt': 'hello again\n' });
    await silent('commit');
    await silent('config', 'core.autostage', 'false');
    await silent('remote', 'add', '-d', 'store', path.join(remote.dir, 'store'));
    await silent('remote', 'modify', 'store', 'jobs', '2');
    await silent('push');
    await silent('fetch');
    await silent('pull');
    await silent('stage', 'add', '-n', 'train', '-d', 'data/in.txt', '-o', 'model.txt', 'cp data/in.txt model.txt');
    writeTree(repo.dir, { 'cairn.yaml': PIPELINE });
    await silent('repro');
    const again = await cairn(repo.dir, ['repro'], repo.env);
    assert.match(again.stdout, /up to date: train/, 'without -q repro says what it did');
    await silent('freeze', 'train');
    await silent('unfreeze', 'train');
    await silent('checkout');
    await silent('fsck');
    await silent('gc', '-w', '--force');
    await silent('move', 'other.bin', 'moved.bin');
    await silent('remove', 'moved.bin');
    await silent('status');
  });

  it('keeps the data a command was asked for', async () => {
    assert.match((await q('config', 'core.remote')).stdout, /^store\n$/);
    assert.match((await q('remote', 'list')).stdout, /\* store/);
    assert.match((await q('dag')).stdout, /train/);
    assert.match((await q('stage', 'list')).stdout, /^train\s/);
    assert.match((await q('metrics', 'show')).stdout, /acc\s+0\.9/);
    assert.match((await q('ls')).stdout, /data\//);
    assert.match((await q('repro', '--dry', '-f')).stdout, /Would run stage 'train'/);
    writeTree(repo.dir, { 'data2/in.txt': 'changed\n' });
    await q('add', 'data2');
    writeTree(repo.dir, { 'data2/in.txt': 'changed twice\n' });
    const status = await q('status');
    assert.match(status.stdout, /data2\/: changed/);
    assert.doesNotMatch(status.stdout, /up to date/, 'the up-to-date summary lines go');
    const diff = await q('diff');
    assert.match(diff.stdout, /^added:\s+data2\/in\.txt/m);
    assert.doesNotMatch(diff.stdout, /file\(s\) changed between/);
  });

  it('keeps --json output, warnings and errors', async () => {
    const json = await q('add', 'data2', '--json');
    assert.equal(JSON.parse(json.stdout).added[0].path, 'data2');
    const warned = await cairn(repo.dir, ['-q', 'metrics', 'show', 'nope.json', 'metrics.json'], repo.env);
    assert.match(warned.stderr, /warning: nope\.json does not exist/);
    const failed = await cairn(repo.dir, ['-q', 'add', 'no-such-file'], repo.env);
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /^error: /m);
  });
});
