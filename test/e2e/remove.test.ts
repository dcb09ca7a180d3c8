// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { trackFixture } from '../helpers/trackFixture.js';
import { hasObject, repoCache } from '../helpers/storeObjects.js';

describe('cairn remove', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  let modelOid: string;

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    modelOid = await trackFixture(repo.dir, 'model.bin', 'weights');
    await trackFixture(repo.dir, 'data', { 'a.csv': '1', 'b.csv': '2' });
    await trackFixture(repo.dir, 'other.bin', 'other');
    writeFileSync(path.join(repo.dir, '.gitignore'), '/model.bin\n/data\n/other.bin\n*.log\n');
    sh(repo.dir, 'git add -A && git commit -qm tracked', repo.env);
  });

  it('stops tracking: the pointer and the .gitignore entry go, the data and the cache objects stay', async () => {
    const r = await cairn(repo.dir, ['remove', 'model.bin'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(path.join(repo.dir, 'model.bin.cairn')));
    assert.ok(existsSync(path.join(repo.dir, 'model.bin')));
    assert.ok(hasObject(repoCache(repo.dir), modelOid));
    assert.equal(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8'), '/data\n/other.bin\n*.log\n');
    assert.match(r.stdout, /git add model\.bin\.cairn \.gitignore/);
  });

  it('--outs (given the pointer path) also deletes the workspace data', async () => {
    const r = await cairn(repo.dir, ['remove', 'data.cairn', '--outs', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).removed, [{ path: 'data', pointer: 'data.cairn', gitignore: '.gitignore', deletedData: true }]);
    assert.ok(!existsSync(path.join(repo.dir, 'data')));
    assert.ok(!existsSync(path.join(repo.dir, 'data.cairn')));
  });

  it('with core.autostage it stages the deletion itself', async () => {
    const r = await cairn(repo.dir, ['remove', '--delete', 'other.bin'], { ...repo.env, CAIRN_CORE_AUTOSTAGE: 'true' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(sh(repo.dir, 'git status --porcelain', repo.env), /^D  other\.bin\.cairn$/m);
  });

  it('an untracked path, a file inside a tracked directory, or a path outside the repo: clear errors, nothing changes', async () => {
    await trackFixture(repo.dir, 'set', { 'x.txt': 'x' });
    const untracked = await cairn(repo.dir, ['remove', 'set', 'nothing-here'], repo.env);
    assert.equal(untracked.code, 4);
    assert.match(untracked.stderr, /nothing-here: it is not tracked by cairn/);
    assert.ok(existsSync(path.join(repo.dir, 'set.cairn')), 'the valid path given with it is untouched');
    const inside = await cairn(repo.dir, ['remove', 'set/x.txt'], repo.env);
    assert.equal(inside.code, 2);
    assert.match(inside.stderr, /inside the tracked directory set/);
    const outside = await cairn(repo.dir, ['remove', '../x'], repo.env);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /outside the repository/);
    const none = await cairn(repo.dir, ['remove'], repo.env);
    assert.equal(none.code, 2);
  });
});
