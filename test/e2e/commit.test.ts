// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';

describe('cairn commit', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());

  it('records changed tracked paths (all of them without arguments) and leaves unchanged pointers alone', async () => {
    writeTree(repo.dir, { 'data/a': 'a', 'model.bin': 'm1', 'other.bin': 'o' });
    assert.equal((await repo.run(['add', 'data', 'model.bin', 'other.bin'])).code, 0);
    const otherPointer = readFileSync(path.join(repo.dir, 'other.bin.cairn'), 'utf8');
    writeTree(repo.dir, { 'data/b': 'b', 'model.bin': 'm2' });
    const r = await repo.run(['commit']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /committed data \(2 files, 2 B\)/);
    assert.match(r.stdout, /committed model\.bin \(2 B\)/);
    assert.match(r.stdout, /git add data\.cairn model\.bin\.cairn/);
    assert.equal(readFileSync(path.join(repo.dir, 'other.bin.cairn'), 'utf8'), otherPointer);
    assert.equal((await repo.run(['status'])).code, 0);
    const again = await repo.run(['commit', 'data', '--json']);
    assert.equal(JSON.parse(again.stdout).committed[0].changed, false);
  });

  it('a missing tracked path is an error that commits nothing', async () => {
    writeFileSync(path.join(repo.dir, 'model.bin'), 'm3');
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    const before = readFileSync(path.join(repo.dir, 'model.bin.cairn'), 'utf8');
    const r = await repo.run(['commit']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /data is missing from the workspace; nothing was committed/);
    assert.equal(readFileSync(path.join(repo.dir, 'model.bin.cairn'), 'utf8'), before);
  });

  it('an untracked path is a NOT_FOUND error', async () => {
    const r = await repo.run(['commit', 'nothing-here']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /nothing-here is not tracked by cairn/);
  });
});
