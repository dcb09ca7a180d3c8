// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('push counts objects the same way every time', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('a second push reports as already there exactly what the first one sent, when two paths share bytes', async () => {
    const run = async (...args: string[]) => {
      const r = await cairn(repo.dir, args, repo.env);
      assert.equal(r.code, 0, `cairn ${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    await run('init');
    // model.bin has the same bytes as data/a.bin: three files, two objects.
    writeTree(repo.dir, { 'data/a.bin': 'same bytes', 'data/b.bin': 'other bytes', 'model.bin': 'same bytes' });
    await run('add', 'data', 'model.bin');
    await run('remote', 'add', '-d', 'store', path.join(repo.dir, '..', 'store'));
    const first = await run('push');
    assert.match(first.stdout, /^2 files pushed \(21 B\), 0 already on remote "store"$/m);
    const again = await run('push');
    assert.match(again.stdout, /^0 files pushed \(0 B\), 2 already on remote "store"$/m);
    assert.equal(JSON.parse((await run('push', '--json')).stdout).present, 2);
  });
});
