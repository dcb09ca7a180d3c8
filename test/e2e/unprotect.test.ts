// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { linkSync, lstatSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo } from '../helpers/cli.js';
import { objectFile, trackFixture } from '../helpers/trackFixture.js';
import { hashBuffer } from '../../src/core/hash.js';

describe('cairn unprotect', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const abs = (rel: string) => path.join(repo.dir, rel);

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    await trackFixture(repo.dir, 'model.bin', 'weights');
    await trackFixture(repo.dir, 'data', { 'a.csv': 'aaa', 'b.csv': 'bbb' });
    await trackFixture(repo.dir, 'plain.txt', 'plain');
    // What hardlink and symlink modes leave in the workspace: read-only links to the cache objects.
    rmSync(abs('model.bin'));
    linkSync(objectFile(repo.dir, hashBuffer('weights')), abs('model.bin'));
    rmSync(abs('data/a.csv'));
    symlinkSync(objectFile(repo.dir, hashBuffer('aaa')), abs('data/a.csv'));
  });

  it('turns a hardlinked file into a writable copy, leaving the cache object alone', async () => {
    const r = await cairn(repo.dir, ['unprotect', 'model.bin'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Unprotected model\.bin: 1 file/);
    const st = statSync(abs('model.bin'));
    assert.equal(st.nlink, 1);
    assert.ok(st.mode & 0o200);
    writeFileSync(abs('model.bin'), 'edited');
    assert.equal(readFileSync(objectFile(repo.dir, hashBuffer('weights')), 'utf8'), 'weights');
  });

  it('turns symlinks inside a directory into copies', async () => {
    const r = await cairn(repo.dir, ['unprotect', 'data', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).results, [{ path: 'data', unprotected: 1, unchanged: 1 }]);
    assert.ok(!lstatSync(abs('data/a.csv')).isSymbolicLink());
    assert.equal(readFileSync(abs('data/a.csv'), 'utf8'), 'aaa');
  });

  it('in copy mode there is nothing to do, and it says why', async () => {
    const r = await cairn(repo.dir, ['unprotect', 'plain.txt'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing to do/);
    assert.match(r.stdout, /cache\.link is reflink,copy/);
  });

  it('an untracked path is a clear error that changes nothing', async () => {
    writeFileSync(abs('loose.txt'), 'x');
    const r = await cairn(repo.dir, ['unprotect', 'model.bin', 'loose.txt'], repo.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /loose\.txt: it is not tracked/);
  });
});
