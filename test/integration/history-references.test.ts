import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRepo, type Repo } from '../../src/core/repo.js';
import { initRepo } from '../../src/data/initRepo.js';
import { collectReferences } from '../../src/data/gcReferences.js';
import { pointersAtRev, scanCommits } from '../../src/data/pointersAtRev.js';
import { hashBuffer } from '../../src/core/hash.js';
import { sh, tempGitRepo } from '../helpers/cli.js';
import { cacheOnly, trackFixture } from '../helpers/trackFixture.js';

describe('reading pointers and references from Git history', () => {
  const git = tempGitRepo();
  after(() => git.cleanup());
  let repo: Repo;
  let dirTree: string;

  before(async () => {
    await initRepo({ cwd: git.dir });
    await trackFixture(git.dir, 'nested/deep/model.bin', 'm1');
    dirTree = await trackFixture(git.dir, 'data', { 'x.txt': 'x', 'y/z.txt': 'z' });
    sh(git.dir, 'git add -A && git commit -qm one', git.env);
    // A hand-broken pointer in history, and a lock file naming a directory output.
    writeFileSync(path.join(git.dir, 'broken.cairn'), 'version: 1\nkind: file\npath: broken\noid: 123\nsize: 1\n');
    const outTree = await trackFixture(git.dir, 'out', { 'o.txt': 'output file' });
    writeFileSync(path.join(git.dir, 'cairn.lock'), `schema: '1'\nstages:\n  s:\n    cmd: x\n    outs:\n      - path: out\n        oid: ${outTree}\n        size: 11\n        files: 1\n`);
    sh(git.dir, 'rm out.cairn && git add -A && git commit -qm two', git.env);
    repo = await openRepo({ cwd: git.dir, env: {} });
  });

  it('pointersAtRev reads nested pointers at a revision with repo-relative paths', async () => {
    const { pointers, commit } = await pointersAtRev(repo, 'HEAD~1');
    assert.equal(commit, sh(git.dir, 'git rev-parse HEAD~1').trim());
    assert.deepEqual(pointers.map((p) => p.dataPath).sort(), ['data', 'nested/deep/model.bin']);
    assert.equal(pointers.find((p) => p.dataPath === 'data')!.pointer.oid, dirTree);
  });

  it('pointersAtRev names the revision and file of a malformed pointer', async () => {
    await assert.rejects(pointersAtRev(repo, 'HEAD'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'INVALID');
      assert.match(err.message, /malformed pointer file broken\.cairn: field "oid".*\(at revision HEAD\)/);
      return true;
    });
  });

  it('scanCommits reads each distinct blob once and reports broken pointers instead of failing', async () => {
    const commits = sh(git.dir, 'git rev-list --all').trim().split('\n');
    const scan = await scanCommits(repo, commits);
    assert.equal(scan.pointers.length, 2, 'the unchanged pointers of both commits are one blob each');
    assert.equal(scan.lockFiles.length, 1);
    assert.equal(scan.invalid.length, 1);
    assert.match(scan.invalid[0].where, /broken\.cairn$/);
  });

  it('collectReferences keeps tree blobs, lock outputs (with their files) and HEAD, and reports what it skipped', async () => {
    const orphan = await cacheOnly(git.dir, 'orphan');
    // In the workspace a malformed pointer stops a gc; in history it is only reported.
    await assert.rejects(collectReferences(repo, { workspace: true }, { cwd: git.dir, env: {} }), /malformed pointer file/);
    rmSync(path.join(git.dir, 'broken.cairn'));
    const refs = await collectReferences(repo, { workspace: true }, { cwd: git.dir, env: {} });
    for (const text of ['m1', 'x', 'z', 'output file']) assert.ok(refs.oids.has(hashBuffer(text)), text);
    assert.ok(refs.oids.has(dirTree));
    assert.ok(!refs.oids.has(orphan));
    assert.equal(refs.commits, 1);
    assert.equal(refs.invalid.length, 1);
  });

  it('outside Git, history cannot be read and says so', async () => {
    const plain = path.join(path.dirname(git.dir), 'plain');
    mkdirSync(plain);
    await initRepo({ cwd: plain, noGit: true });
    const noGit = await openRepo({ cwd: plain, env: {} });
    await assert.rejects(pointersAtRev(noGit, 'HEAD'), /needs Git history/);
  });
});
