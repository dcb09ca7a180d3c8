// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { track } from '../helpers/track.js';
import { storedOids } from '../helpers/storeObjects.js';
import { readLayout } from '../../src/data/packs/cacheLayout.js';

const oidOf = (dir: string, pointer: string) => readFileSync(path.join(dir, pointer), 'utf8').match(/oid: (\w+)/)![1];

/** The objects a directory remote holds (loose or packed), as oids. */
const remoteOids = storedOids;

describe('cairn status --remote and gc --remote', () => {
  const repo = tempGitRepo();
  const store = path.join(repo.dir, '..', 'store');
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, { 'data/a.txt': 'a', 'data/b.txt': 'b', 'model.bin': 'v1' });
    await track(repo.dir, ['data', 'model.bin'], repo.env);
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'origin', store], repo.env)).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v1', repo.env);
  });

  it('status --remote tells what is not pushed, then that all is in sync', async () => {
    let r = await cairn(repo.dir, ['status', '--exit-code', '--remote', '--json'], repo.env);
    assert.equal(r.code, 13, r.stderr);
    const paths = JSON.parse(r.stdout).paths;
    assert.deepEqual(paths.map((p: { path: string; state: string; notPushed: number }) => [p.path, p.state, p.notPushed]),
      [['data', 'not pushed', 3], ['model.bin', 'not pushed', 1]]);
    assert.equal((await cairn(repo.dir, ['push'], repo.env)).code, 0);
    r = await cairn(repo.dir, ['status', '--exit-code', '-r', 'origin'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /in sync with remote "origin"/);
  });

  it('gc --remote needs a scope and --force, dry-runs, then deletes only the unreferenced', async () => {
    const v1 = oidOf(repo.dir, 'model.bin.cairn');
    writeFileSync(path.join(repo.dir, 'model.bin'), 'v2');
    await track(repo.dir, ['model.bin'], repo.env);
    assert.equal((await cairn(repo.dir, ['push'], repo.env)).code, 0);
    assert.ok(remoteOids(store).includes(v1));
    let r = await cairn(repo.dir, ['gc', '--remote', '--force'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a scope/);
    r = await cairn(repo.dir, ['gc', '--remote', '-w'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--force/);
    const count = remoteOids(store).length;
    // HEAD (v1) is still committed, so the workspace scope keeps v1 as well: commit v2 first.
    sh(repo.dir, 'git add -A && git commit -qm v2', repo.env);
    r = await cairn(repo.dir, ['gc', '--remote', '-w', '--dry-run', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).remove, [v1]);
    assert.equal(remoteOids(store).length, count, 'a dry run deletes nothing');
    r = await cairn(repo.dir, ['gc', '--remote', '-w', '--force', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const done = JSON.parse(r.stdout);
    if (readLayout(path.join(store, 'meta')) === 1) {
      assert.equal(done.removed, 1);
      assert.ok(!remoteOids(store).includes(v1));
      assert.equal(remoteOids(store).length, count - 1);
    } else {
      // A packed remote keeps garbage in a pack that is mostly live (as `git gc` does), and says so.
      assert.deepEqual([done.removed, done.packs.keptGarbage], [0, 1]);
      assert.equal(remoteOids(store).length, count);
    }
    r = await cairn(repo.dir, ['gc', '--remote', '-A', '--dry-run', '--json'], repo.env);
    assert.deepEqual(JSON.parse(r.stdout).remove, []);
  });
});
