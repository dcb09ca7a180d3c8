// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sh, writeTree } from '../helpers/cli.js';
import { cairnRepo, snapshot } from '../helpers/dataRepo.js';
import { removeObject } from '../helpers/storeObjects.js';

describe('cairn checkout through Git history', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());
  const v1 = { 'data/a.csv': 'a1', 'data/keep.csv': 'same', 'data/sub/old.csv': 'old', 'model.bin': 'model v1' };

  it('brings back the first version after git checkout, then the second, touching only what differs', async () => {
    writeTree(repo.dir, v1);
    assert.equal((await repo.run(['add', 'data', 'model.bin'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v1');
    writeFileSync(path.join(repo.dir, 'data/a.csv'), 'a2');
    rmSync(path.join(repo.dir, 'data/sub'), { recursive: true });
    writeTree(repo.dir, { 'data/new.csv': 'new', 'model.bin': 'model v2' });
    assert.equal((await repo.run(['commit'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v2');
    const v2 = snapshot(path.join(repo.dir, 'data'));
    const keepIno = statSync(path.join(repo.dir, 'data/keep.csv')).ino;

    sh(repo.dir, 'git checkout -q HEAD~1');
    const r = await repo.run(['checkout']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^A\tdata\/sub\/old\.csv$/m);
    assert.match(r.stdout, /^M\tdata\/a\.csv$/m);
    assert.match(r.stdout, /^D\tdata\/new\.csv$/m);
    assert.match(r.stdout, /^M\tmodel\.bin$/m);
    assert.match(r.stdout, /1 added, 2 modified, 1 deleted, 1 unchanged/);
    assert.deepEqual(snapshot(path.join(repo.dir, 'data')), { 'a.csv': 'a1', 'keep.csv': 'same', 'sub/old.csv': 'old' });
    assert.equal(readFileSync(path.join(repo.dir, 'model.bin'), 'utf8'), 'model v1');
    assert.equal(statSync(path.join(repo.dir, 'data/keep.csv')).ino, keepIno, 'an unchanged file is not rewritten');
    assert.equal((await repo.run(['status'])).code, 0);

    sh(repo.dir, 'git checkout -q main');
    const json = JSON.parse((await repo.run(['checkout', '--json'])).stdout);
    assert.deepEqual(json, { added: ['data/new.csv'], modified: ['data/a.csv', 'model.bin'], deleted: ['data/sub/old.csv'], unchanged: 1, failed: [] });
    assert.deepEqual(snapshot(path.join(repo.dir, 'data')), v2);
    assert.ok(!existsSync(path.join(repo.dir, 'data/sub')), 'a folder emptied by checkout goes too');
  });

  it('restores a deleted tracked folder, and says so when nothing differs', async () => {
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    const r = await repo.run(['checkout', 'data']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 added, 0 modified, 0 deleted, 0 unchanged/);
    const again = await repo.run(['checkout']);
    assert.match(again.stdout, /Workspace already matches the pointers \(4 files unchanged\)/);
  });

  it('copies are writable files, with the executable bit restored', async () => {
    writeTree(repo.dir, { 'tools/run.sh': '#!/bin/sh\necho hi\n' });
    sh(repo.dir, 'chmod 755 tools/run.sh');
    assert.equal((await repo.run(['add', 'tools'])).code, 0);
    rmSync(path.join(repo.dir, 'tools'), { recursive: true });
    assert.equal((await repo.run(['checkout', 'tools'])).code, 0);
    const mode = statSync(path.join(repo.dir, 'tools/run.sh')).mode;
    assert.ok(mode & 0o100, 'executable');
    assert.ok(mode & 0o200, 'writable');
  });

  it('refuses to overwrite local changes that are not in the cache, lists them, and --force overwrites', async () => {
    writeFileSync(path.join(repo.dir, 'data/a.csv'), 'unsaved edit');
    writeFileSync(path.join(repo.dir, 'data/extra.csv'), 'unsaved new file');
    const r = await repo.run(['checkout']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /checkout would overwrite local changes to 2 file\(s\) in data:\n  data\/a\.csv\n  data\/extra\.csv/);
    assert.match(r.stderr, /--force/);
    assert.equal(readFileSync(path.join(repo.dir, 'data/a.csv'), 'utf8'), 'unsaved edit', 'nothing changed');
    assert.ok(existsSync(path.join(repo.dir, 'data/extra.csv')));
    const f = await repo.run(['checkout', '--force', 'data']);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'data/a.csv'), 'utf8'), 'a2');
    assert.ok(!existsSync(path.join(repo.dir, 'data/extra.csv')));
  });

  it('overwrites without --force when the local content is itself saved in the cache', async () => {
    writeFileSync(path.join(repo.dir, 'model.bin'), 'model v1'); // an old version: its object is cached
    const r = await repo.run(['checkout', 'model.bin']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'model.bin'), 'utf8'), 'model v2');
  });

  it('an object missing from the cache is a NOT_FOUND error that changes nothing', async () => {
    const oid = /oid: (\w+)/.exec(readFileSync(path.join(repo.dir, 'model.bin.cairn'), 'utf8'))![1];
    rmSync(path.join(repo.dir, 'model.bin'));
    removeObject(path.join(repo.dir, '.cairn/cache'), oid);
    const r = await repo.run(['checkout', 'model.bin']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /1 object\(s\) of model\.bin are not in the cache/);
    assert.match(r.stderr, /cairn pull/);
    assert.ok(!existsSync(path.join(repo.dir, 'model.bin')));
  });

  it('a malformed pointer stops checkout before anything changes', async () => {
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    const file = path.join(repo.dir, 'model.bin.cairn');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('kind: file', 'kind: folder'));
    const r = await repo.run(['checkout']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /malformed pointer file .*model\.bin\.cairn: field "kind"/);
    assert.ok(!existsSync(path.join(repo.dir, 'data')), 'the other path was not restored either');
    writeFileSync(file, good);
  });
});

describe('cairn checkout with a cache on another file system', async () => {
  const repo = await cairnRepo();
  const shmBase = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/cairn-test-') : null;
  after(() => {
    repo.cleanup();
    if (shmBase) rmSync(shmBase, { recursive: true, force: true });
  });

  it('hardlink falls back to the next mode, and hardlink alone is a clear error that leaves no empty folders', async (t) => {
    if (!shmBase || statSync(shmBase).dev === statSync(repo.dir).dev) {
      t.skip('needs /dev/shm on a different file system than the temp folder');
      return;
    }
    const env = { CAIRN_CACHE_DIR: path.join(shmBase, 'cache') };
    const bytes = 'bytes '.repeat(12_000); // loose in layout 2 too: packed objects are always copied, never linked
    writeTree(repo.dir, { 'data/sub/f': bytes });
    assert.equal((await repo.run(['add', 'data'], { env: { ...env, CAIRN_CACHE_LINK: 'hardlink,copy' } })).code, 0);
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    const only = await repo.run(['checkout'], { env: { ...env, CAIRN_CACHE_LINK: 'hardlink' } });
    assert.equal(only.code, 3);
    assert.match(only.stderr, /on another file system, where cache\.link hardlink cannot link/);
    assert.match(only.stderr, /cairn config cache\.link hardlink,copy/);
    assert.ok(!existsSync(path.join(repo.dir, 'data')), 'no empty folder is left behind');
    const fallback = await repo.run(['checkout'], { env: { ...env, CAIRN_CACHE_LINK: 'hardlink,copy' } });
    assert.equal(fallback.code, 0, fallback.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'data/sub/f'), 'utf8'), bytes);
  });
});
