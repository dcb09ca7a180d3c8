// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { cairn, sh, tempDir, writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';
import { removeObject, repoCache } from '../helpers/storeObjects.js';

describe('status tells a pointer that moved under the data from the user\'s own edits', async () => {
  const repo = await cairnRepo();
  const remote = tempDir();
  after(() => {
    repo.cleanup();
    remote.cleanup();
  });

  before(async () => {
    writeTree(repo.dir, { 'data/a.csv': 'a1\n', 'data/b.csv': 'b1\n', 'model.bin': 'm1' });
    assert.equal((await repo.run(['add', 'data', 'model.bin'])).code, 0);
    assert.equal((await repo.run(['remote', 'add', '-d', 'store', remote.dir])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v1', repo.env);
    assert.equal((await repo.run(['push'])).code, 0);
    writeTree(repo.dir, { 'data/a.csv': 'a2\n', 'data/c.csv': 'c2\n', 'model.bin': 'm2' });
    rmSync(path.join(repo.dir, 'data/b.csv'));
    assert.equal((await repo.run(['add', 'data', 'model.bin'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v2', repo.env);
    assert.equal((await repo.run(['push'])).code, 0);
  });

  it('in a fresh clone before pull: suggests `cairn pull`, never `cairn commit`', async () => {
    const clone = path.join(remote.dir, '..', `${path.basename(remote.dir)}-clone`);
    sh(path.dirname(repo.dir), `git clone -q ${repo.dir} ${clone}`, repo.env);
    after(() => rmSync(clone, { recursive: true, force: true }));
    const r = await cairn(clone, ['status', '--exit-code'], repo.env);
    assert.equal(r.code, 13, r.stderr);
    assert.match(r.stdout, /data: missing from the workspace and not in the cache \(fetch and restore with `cairn pull data`\)/);
    assert.match(r.stdout, /model\.bin: missing from the workspace and not in the cache \(fetch and restore with `cairn pull model\.bin`\)/);
    assert.doesNotMatch(r.stdout, /cairn commit/);
    assert.equal((await cairn(clone, ['pull'], repo.env)).code, 0);
    assert.equal((await cairn(clone, ['status', '--exit-code'], repo.env)).code, 0);
  });

  it('after `git checkout` of an older commit: suggests `cairn checkout`, never `cairn commit`', async () => {
    sh(repo.dir, 'git checkout -q HEAD~1', repo.env);
    try {
      const r = await repo.run(['status', '--exit-code']);
      assert.equal(r.code, 13, r.stderr);
      assert.match(r.stdout, /data\/: holds data cairn recorded before, not the version its pointer names \(the pointer changed, e\.g\. by `git checkout`; restore with `cairn checkout data`\)/);
      assert.match(r.stdout, /\tmodified:  data\/a\.csv/);
      assert.match(r.stdout, /model\.bin: holds data cairn recorded before.*restore with `cairn checkout model\.bin`/);
      assert.doesNotMatch(r.stdout, /cairn commit/);
      const json = JSON.parse((await repo.run(['status', '--json'])).stdout);
      assert.deepEqual(json.data.paths.map((p: { path: string; recorded: boolean }) => [p.path, p.recorded]), [['data', true], ['model.bin', true]]);

      // The older version's objects gone from this cache: then the fix is pull.
      removeObject(repoCache(repo.dir), hashBuffer('m1'));
      const gone = await repo.run(['status', 'model.bin']);
      assert.match(gone.stdout, /model\.bin: holds data cairn recorded before.*fetch and restore with `cairn pull model\.bin`/);
      assert.equal((await repo.run(['pull'])).code, 0);
      assert.equal((await repo.run(['status', '--exit-code'])).code, 0);
    } finally {
      sh(repo.dir, 'git checkout -q main', repo.env);
    }
  });

  it('a real edit is still a change to commit', async () => {
    assert.equal((await repo.run(['checkout'])).code, 0);
    writeFileSync(path.join(repo.dir, 'model.bin'), 'edited by hand');
    writeFileSync(path.join(repo.dir, 'data/a.csv'), 'edited\n');
    const r = await repo.run(['status']);
    assert.match(r.stdout, /Changes in tracked data \(record them with `cairn commit`/);
    assert.match(r.stdout, /model\.bin: modified/);
    assert.match(r.stdout, /data\/: changed\n\tmodified:  data\/a\.csv/);
    assert.doesNotMatch(r.stdout, /recorded before/);
  });
});
