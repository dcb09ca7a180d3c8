// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CAIRN_BIN, cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { cacheOnly, trackFixture } from '../helpers/trackFixture.js';
import { hashBuffer } from '../../src/core/hash.js';
import { hasObject, removeObject, repoCache } from '../helpers/storeObjects.js';

function cachedOids(root: string): string[] {
  const base = path.join(root, '.cairn', 'cache', 'objects');
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((p) => readdirSync(path.join(base, p)).map((r) => p + r)).sort();
}

describe('cairn gc', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  let v1: string;
  let taggedOnly: string;
  let branchOld: string;
  let dirTree: string;
  let orphan: string;

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    // v1 of the model at the first commit (also tagged), then v2 committed on main.
    taggedOnly = await trackFixture(repo.dir, 'model.bin', 'model version one');
    dirTree = await trackFixture(repo.dir, 'data', { 'a.txt': 'alpha', 'sub/b.txt': 'beta' });
    sh(repo.dir, 'git add -A && git commit -qm v1 && git tag v1', repo.env);
    branchOld = await trackFixture(repo.dir, 'model.bin', 'model on a side branch');
    sh(repo.dir, 'git checkout -qb side && git add -A && git commit -qm side && git checkout -q main', repo.env);
    sh(repo.dir, 'git checkout -q main -- model.bin.cairn', repo.env);
    v1 = await trackFixture(repo.dir, 'model.bin', 'model version two');
    sh(repo.dir, 'git add -A && git commit -qm v2', repo.env);
    orphan = await cacheOnly(repo.dir, 'nobody points here');
  });

  it('refuses to run without a scope, explains the scopes, and deletes nothing', async () => {
    const before = cachedOids(repo.dir);
    const r = await cairn(repo.dir, ['gc', '--force'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a scope/);
    assert.match(r.stderr, /--workspace/);
    assert.match(r.stderr, /--all-commits/);
    assert.deepEqual(cachedOids(repo.dir), before);
  });

  it('--dry-run lists what would go with sizes and totals, and deletes nothing', async () => {
    const before = cachedOids(repo.dir);
    const r = await cairn(repo.dir, ['gc', '--workspace', '--dry-run'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Would delete 3 unreferenced object\(s\)/);
    assert.match(r.stdout, new RegExp(`${orphan}  18 B`));
    assert.ok(r.stdout.includes(taggedOnly) && r.stdout.includes(branchOld));
    assert.deepEqual(cachedOids(repo.dir), before);
    const json = JSON.parse((await cairn(repo.dir, ['gc', '--workspace', '--dry-run', '--json'], repo.env)).stdout);
    assert.equal(json.remove.length, 3);
    assert.equal(json.removeBytes, 18 + 'model version one'.length + 'model on a side branch'.length);
    assert.equal(json.removed, 0);
  });

  it('without a terminal and without --force it refuses with a hint and deletes nothing', async () => {
    const before = cachedOids(repo.dir);
    const r = await cairn(repo.dir, ['gc', '--workspace'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs confirmation/);
    assert.match(r.stderr, /--force/);
    assert.deepEqual(cachedOids(repo.dir), before);
  });

  it('--all-commits keeps what any commit uses and deletes only the orphan', async () => {
    const r = await cairn(repo.dir, ['gc', '--all-commits', '--force', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.remove.map((o: { oid: string }) => o.oid), [orphan]);
    assert.equal(json.freedBytes, 18);
    assert.ok(!hasObject(repoCache(repo.dir), orphan));
    assert.ok(hasObject(repoCache(repo.dir), taggedOnly));
    assert.ok(hasObject(repoCache(repo.dir), branchOld));
  });

  it('--all-tags keeps the tagged version; --all-branches keeps the side branch', async () => {
    const tags = JSON.parse((await cairn(repo.dir, ['gc', '--all-tags', '--dry-run', '--json'], repo.env)).stdout);
    assert.deepEqual(tags.remove.map((o: { oid: string }) => o.oid), [branchOld]);
    const branches = JSON.parse((await cairn(repo.dir, ['gc', '--all-branches', '--dry-run', '--json'], repo.env)).stdout);
    assert.deepEqual(branches.remove.map((o: { oid: string }) => o.oid), [taggedOnly]);
    const both = JSON.parse((await cairn(repo.dir, ['gc', '--all-branches', '--all-tags', '--dry-run', '--json'], repo.env)).stdout);
    assert.deepEqual(both.remove, []);
  });

  it('--workspace never deletes what the workspace uses, files inside directories included', async () => {
    const r = await cairn(repo.dir, ['gc', '--workspace', '-f'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Deleted 2 object\(s\), freed/);
    for (const keep of [v1, dirTree, hashBuffer('alpha'), hashBuffer('beta')]) assert.ok(hasObject(repoCache(repo.dir), keep), keep);
    assert.ok(!hasObject(repoCache(repo.dir), taggedOnly));
  });

  it('keeps objects named by cairn.lock outputs and run-cache entries', async () => {
    const lockOut = await cacheOnly(repo.dir, 'a pipeline output');
    const runOut = await cacheOnly(repo.dir, 'a run cache output');
    const depOnly = await cacheOnly(repo.dir, 'a dependency is not kept');
    writeFileSync(path.join(repo.dir, 'cairn.lock'), `schema: '1'\nstages:\n  train:\n    cmd: make\n    deps:\n      - path: in\n        oid: ${depOnly}\n        size: 1\n    outs:\n      - path: out\n        oid: ${lockOut}\n        size: 17\n`);
    mkdirSync(path.join(repo.dir, '.cairn', 'cache', 'runs', 'ab'), { recursive: true });
    writeFileSync(path.join(repo.dir, '.cairn', 'cache', 'runs', 'ab', 'entry.json'), JSON.stringify({ outs: [{ path: 'out', oid: runOut }] }));
    const json = JSON.parse((await cairn(repo.dir, ['gc', '--workspace', '-f', '--json'], repo.env)).stdout);
    assert.deepEqual(json.remove.map((o: { oid: string }) => o.oid), [depOnly]);
    assert.ok(hasObject(repoCache(repo.dir), lockOut) && hasObject(repoCache(repo.dir), runOut));
    rmSync(path.join(repo.dir, 'cairn.lock'));
  });

  it('reports a referenced directory whose tree object is missing instead of guessing', async () => {
    removeObject(repoCache(repo.dir), dirTree);
    const r = await cairn(repo.dir, ['gc', '--workspace', '--dry-run', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`tree object ${dirTree} of data is missing`));
    assert.deepEqual(JSON.parse(r.stdout).unreadableTrees, [{ path: 'data', oid: dirTree, reason: 'missing' }]);
  });

  it('outside a cairn repository it says so', async () => {
    const r = await cairn(path.dirname(repo.dir), ['gc', '--workspace'], repo.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /not a cairn repository/);
  });
});

describe('cairn gc with a cache outside the repository, and without Git', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('warns that objects only other repositories use would go too', async () => {
    const shared = path.join(path.dirname(repo.dir), 'shared-cache');
    const env = { ...repo.env, CAIRN_CACHE_DIR: shared };
    assert.equal((await cairn(repo.dir, ['init'], env)).code, 0);
    await trackFixture(repo.dir, 'f.txt', 'shared bytes', { cacheDir: shared });
    const r = await cairn(repo.dir, ['gc', '--workspace', '--dry-run'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /outside this repository: objects only other repositories use would be deleted too/);
    assert.match(r.stdout, /Would delete 0 unreferenced object\(s\)/);
  });

  it('without Git, history scopes keep only the workspace, and it says so', async () => {
    const plain = path.join(path.dirname(repo.dir), 'plain');
    mkdirSync(plain);
    assert.equal((await cairn(plain, ['init', '--no-git'], repo.env)).code, 0);
    await trackFixture(plain, 'f.txt', 'kept');
    await cacheOnly(plain, 'dropped');
    const r = await cairn(plain, ['gc', '--all-commits', '-f', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no Git history/);
    assert.deepEqual(JSON.parse(r.stdout).remove.map((o: { oid: string }) => o.oid), [hashBuffer('dropped')]);
  });
});

describe('cairn gc on a terminal', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const hasScript = (() => {
    try {
      sh(repo.dir, 'command -v script');
      return true;
    } catch {
      return false;
    }
  })();
  // `script` gives the command a pseudo-terminal, so it asks as it would a person; the answer is piped in.
  const onTty = (answer: string) => sh(repo.dir, `printf '${answer}\\n' | script -qec "'${process.execPath}' '${CAIRN_BIN}' gc --workspace" /dev/null`, repo.env);

  it('asks before deleting: "n" keeps everything, "y" deletes', { skip: !hasScript && 'the script command is not installed' }, async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    const orphan = await cacheOnly(repo.dir, 'unused');
    const no = onTty('n');
    assert.match(no, /Delete 1 unreferenced object\(s\), 6 B; keeping 0 \(0 B\)\? \[y\/N\]/);
    assert.match(no, /Nothing deleted\./);
    assert.ok(hasObject(repoCache(repo.dir), orphan));
    assert.match(onTty('y'), /Deleted 1 object\(s\), freed 6 B/);
    assert.ok(!hasObject(repoCache(repo.dir), orphan));
  });
});
