// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { trackFixture } from '../helpers/trackFixture.js';
import { hashBuffer } from '../../src/core/hash.js';
import { removeObject, repoCache } from '../helpers/storeObjects.js';

describe('cairn diff', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  let treeV1: string;

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    await trackFixture(repo.dir, 'model.bin', 'weights v1');
    treeV1 = await trackFixture(repo.dir, 'data', { 'keep.csv': 'same\n', 'change.csv': 'old\n', 'gone.csv': 'bye\n', 'move/me.csv': 'moving\n' });
    sh(repo.dir, 'git add -A && git commit -qm v1', repo.env);
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    await trackFixture(repo.dir, 'data', { 'keep.csv': 'same\n', 'change.csv': 'new!\n', 'new.csv': 'hello\n', 'moved/me.csv': 'moving\n' });
    await trackFixture(repo.dir, 'model.bin', 'weights v2');
    sh(repo.dir, 'git add -A && git commit -qm v2', repo.env);
  });

  it('between two revisions: added, modified, deleted and renamed files inside tracked data', async () => {
    const r = await cairn(repo.dir, ['diff', 'HEAD~1', 'HEAD', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout);
    assert.deepEqual(d.added, [{ path: 'data/new.csv', oid: hashBuffer('hello\n'), size: 6 }]);
    assert.deepEqual(d.deleted, [{ path: 'data/gone.csv', oid: hashBuffer('bye\n'), size: 4 }]);
    assert.deepEqual(d.modified.map((m: { path: string }) => m.path), ['data/change.csv', 'model.bin']);
    assert.deepEqual(d.modified[0].old, { oid: hashBuffer('old\n'), size: 4 });
    assert.deepEqual(d.renamed, [{ from: 'data/move/me.csv', to: 'data/moved/me.csv', oid: hashBuffer('moving\n'), size: 7 }]);
    assert.equal(d.a.commit, sh(repo.dir, 'git rev-parse HEAD~1').trim());
  });

  it('prints people-readable lines and a summary', async () => {
    const r = await cairn(repo.dir, ['diff', 'HEAD~1'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^added: +data\/new\.csv {2}\(6 B\)$/m);
    assert.match(r.stdout, /^renamed: +data\/move\/me\.csv -> data\/moved\/me\.csv/m);
    assert.match(r.stdout, /5 file\(s\) changed between HEAD~1 and the workspace: 1 added, 2 modified, 1 deleted, 1 renamed/);
  });

  it('HEAD against an unchanged workspace shows no changes; a change in the workspace shows up', async () => {
    const clean = await cairn(repo.dir, ['diff'], repo.env);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /No changes in tracked data between HEAD and the workspace/);
    writeFileSync(path.join(repo.dir, 'data', 'keep.csv'), 'edited in the workspace\n');
    writeFileSync(path.join(repo.dir, 'data', 'extra.csv'), 'x');
    const d = JSON.parse((await cairn(repo.dir, ['diff', '--json'], repo.env)).stdout);
    assert.deepEqual(d.modified.map((m: { path: string }) => m.path), ['data/keep.csv']);
    assert.deepEqual(d.added.map((m: { path: string }) => m.path), ['data/extra.csv']);
    assert.equal(d.b, null);
    writeFileSync(path.join(repo.dir, 'data', 'keep.csv'), 'same\n');
    rmSync(path.join(repo.dir, 'data', 'extra.csv'));
  });

  it('targets narrow the result to paths under them', async () => {
    const d = JSON.parse((await cairn(repo.dir, ['diff', 'HEAD~1', 'HEAD', 'model.bin', '--json'], repo.env)).stdout);
    assert.deepEqual(d.modified.map((m: { path: string }) => m.path), ['model.bin']);
    assert.equal(d.added.length + d.deleted.length + d.renamed.length, 0);
    const sub = JSON.parse((await cairn(repo.dir, ['diff', 'HEAD~1', 'data/new.csv', '--json'], repo.env)).stdout);
    assert.deepEqual(sub.added.map((m: { path: string }) => m.path), ['data/new.csv']);
  });

  it('an unknown revision or untracked target is a clear NOT_FOUND', async () => {
    const bad = await cairn(repo.dir, ['diff', 'HEAD~1', 'nope-rev'], repo.env);
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /"nope-rev" is neither a Git revision nor a tracked path/);
    const badRev = await cairn(repo.dir, ['diff', 'HEAD~9'], repo.env);
    assert.equal(badRev.code, 4);
    assert.match(badRev.stderr, /"HEAD~9" is neither a Git revision nor a tracked path/);
  });

  it('compares a directory as a whole when its tree object is missing, and says so', async () => {
    removeObject(repoCache(repo.dir), treeV1);
    const r = await cairn(repo.dir, ['diff', 'HEAD~1', 'HEAD', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`tree object ${treeV1} of data is missing`));
    const d = JSON.parse(r.stdout);
    assert.deepEqual(d.modified.map((m: { path: string }) => m.path), ['data', 'model.bin']);
    assert.equal(d.modified[0].old.oid, treeV1);
  });
});
