// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cairn, sh, tempDir, writeTree } from '../helpers/cli.js';
import { cairnRepo, countObjects } from '../helpers/dataRepo.js';

describe('cairn add', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());
  const cache = path.join(repo.dir, '.cairn', 'cache');

  it('tracks a folder and a file: objects in the cache, pointers, .gitignore, and the git add to run', async () => {
    writeTree(repo.dir, { 'data/a.csv': 'a,b\n1,2\n', 'data/sub/b.txt': 'bee', 'model.bin': Buffer.alloc(3000, 7) });
    const r = await repo.run(['add', 'data', 'model.bin']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /added data \(2 files/);
    assert.match(r.stdout, /git add data\.cairn \.gitignore model\.bin\.cairn/);
    const pointer = readFileSync(path.join(repo.dir, 'data.cairn'), 'utf8');
    assert.match(pointer, /kind: dir/);
    assert.match(pointer, /files: 2/);
    assert.match(readFileSync(path.join(repo.dir, 'model.bin.cairn'), 'utf8'), /size: 3000/);
    assert.deepEqual(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8').split('\n').filter(Boolean), ['/data', '/model.bin']);
    assert.equal(countObjects(cache), 4); // two blobs in data, the tree, the model
    const obj = sh(cache, 'find objects -type f | head -1').trim();
    assert.equal(statSync(path.join(cache, obj)).mode & 0o777, 0o444, 'objects are read-only');
    // Git sees the pointers, not the data.
    const untracked = sh(repo.dir, 'git status --porcelain --untracked-files=all');
    assert.match(untracked, /data\.cairn/);
    assert.doesNotMatch(untracked, /data\/a\.csv/);
  });

  it('re-adding unchanged data stores nothing new and leaves the pointer and .gitignore alone', async () => {
    const before = readFileSync(path.join(repo.dir, '.gitignore'), 'utf8');
    const r = await repo.run(['add', 'data', 'model.bin', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.added.map((a: { stored: number; changed: boolean }) => [a.stored, a.changed]), [[0, false], [0, false]]);
    assert.deepEqual(json.gitPaths, ['data.cairn', 'model.bin.cairn']);
    assert.equal(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8'), before);
    assert.equal(countObjects(cache), 4);
  });

  it('re-adding changed data stores only the new content', async () => {
    writeFileSync(path.join(repo.dir, 'data/a.csv'), 'a,b\n3,4\n');
    const r = await repo.run(['add', 'data', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).added[0].stored, 2); // the new blob and the new tree
    assert.equal(countObjects(cache), 6);
  });

  it('takes paths relative to the current folder and expands quoted globs', async () => {
    writeTree(repo.dir, { 'raw/x.csv': 'x', 'raw/y.csv': 'y', 'raw/z.txt': 'z' });
    const r = await repo.run(['add', '*.csv'], { cwd: path.join(repo.dir, 'raw') });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(path.join(repo.dir, 'raw/x.csv.cairn')));
    assert.ok(existsSync(path.join(repo.dir, 'raw/y.csv.cairn')));
    assert.ok(!existsSync(path.join(repo.dir, 'raw/z.txt.cairn')));
    assert.deepEqual(readFileSync(path.join(repo.dir, 'raw/.gitignore'), 'utf8').split('\n').filter(Boolean), ['/x.csv', '/y.csv']);
    assert.match(r.stdout, /git add x\.csv\.cairn \.gitignore y\.csv\.cairn/);
  });

  it('stages the pointer and .gitignore itself when core.autostage is true', async () => {
    writeTree(repo.dir, { 'staged/f': 'f' });
    const r = await repo.run(['add', 'staged'], { env: { CAIRN_CORE_AUTOSTAGE: 'true' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Staged: staged\.cairn staged\/\.gitignore|Staged: staged\.cairn \.gitignore/);
    const staged = sh(repo.dir, 'git diff --cached --name-only');
    assert.match(staged, /^staged\.cairn$/m);
    assert.match(staged, /^\.gitignore$/m);
  });

  it('honours .cairnignore inside tracked folders', async () => {
    writeTree(repo.dir, { 'logs/keep.txt': 'k', 'logs/tmp/skip.txt': 's', 'logs/x.log': 'l' });
    writeFileSync(path.join(repo.dir, '.cairnignore'), 'tmp/\n*.log\n');
    const r = await repo.run(['add', 'logs', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).added[0].info.files, 1);
    writeFileSync(path.join(repo.dir, '.cairnignore'), '');
  });
});

describe('cairn add with hardlink and symlink modes', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());

  // Links need loose objects: 64 KiB and more stays loose in layout 2 too (smaller objects are packed, and copied).
  const payload = 'payload '.repeat(10_000);
  for (const mode of ['hardlink', 'symlink'] as const) {
    it(`${mode}: the workspace file is linked to the cache and protected read-only`, async () => {
      writeTree(repo.dir, { [`${mode}/f.bin`]: payload, [`${mode}/tool.sh`]: '#!/bin/sh\n' });
      sh(repo.dir, `chmod +x ${mode}/tool.sh`);
      const r = await repo.run(['add', mode], { env: { CAIRN_CACHE_LINK: mode } });
      assert.equal(r.code, 0, r.stderr);
      const f = path.join(repo.dir, mode, 'f.bin');
      assert.equal(readFileSync(f, 'utf8'), payload);
      assert.equal(statSync(f).mode & 0o222, 0, 'not writable');
      if (mode === 'hardlink') assert.equal(statSync(f).nlink, 2);
      else assert.ok(sh(repo.dir, `readlink ${mode}/f.bin`).includes('.cairn/cache/objects/'));
      const st = await repo.run(['status', '--exit-code', mode], { env: { CAIRN_CACHE_LINK: mode } });
      assert.equal(st.code, 0, st.stdout);
      // Checkout after deleting puts links back.
      sh(repo.dir, `rm -rf ${mode}`);
      const co = await repo.run(['checkout', mode], { env: { CAIRN_CACHE_LINK: mode } });
      assert.equal(co.code, 0, co.stderr);
      assert.equal(readFileSync(f, 'utf8'), payload);
      assert.equal(statSync(f).mode & 0o222, 0);
    });
  }
});

describe('symlink mode when an object is removed from the cache', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());

  it('the dangling link shows in status, and re-adding the content mends it', async () => {
    const env = { CAIRN_CACHE_LINK: 'symlink' };
    const aaa = 'a'.repeat(70_000); // loose in both layouts, so it can be linked
    writeTree(repo.dir, { 'data/a': aaa, 'data/b': 'b'.repeat(70_000) });
    assert.equal((await repo.run(['add', 'data'], { env })).code, 0);
    const object = sh(repo.dir, 'readlink data/a').trim();
    sh(repo.dir, `chmod u+w ${object} && rm ${object}`);
    const st = await repo.run(['status', '--exit-code', '--json'], { env });
    assert.equal(st.code, 13);
    const p = JSON.parse(st.stdout).data.paths[0];
    assert.deepEqual([p.deleted, p.notInCache], [['data/a'], ['data/a']]);
    writeFileSync(path.join(repo.dir, 'data/a.new'), aaa);
    sh(repo.dir, 'mv data/a.new data/a');
    assert.equal((await repo.run(['add', 'data'], { env })).code, 0);
    assert.equal((await repo.run(['status', '--exit-code'], { env })).code, 0);
    assert.equal(readFileSync(path.join(repo.dir, 'data/a'), 'utf8'), aaa);
  });
});

describe('cairn add in a plain folder (cairn init --no-git)', () => {
  const plain = tempDir();
  after(() => plain.cleanup());

  it('tracks data without .gitignore or git hints, and an empty folder survives checkout', async () => {
    assert.equal((await cairn(plain.dir, ['init', '--no-git'], { HOME: plain.dir })).code, 0);
    writeTree(plain.dir, { 'sub/d/f': 'x' });
    mkdirSync(path.join(plain.dir, 'empty'));
    const r = await cairn(plain.dir, ['add', 'empty', 'sub/d'], { HOME: plain.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /git add/);
    assert.ok(!existsSync(path.join(plain.dir, 'sub', '.gitignore')));
    rmSync(path.join(plain.dir, 'empty'), { recursive: true });
    rmSync(path.join(plain.dir, 'sub/d'), { recursive: true });
    const co = await cairn(path.join(plain.dir, 'sub'), ['checkout'], { HOME: plain.dir });
    assert.equal(co.code, 0, co.stderr);
    assert.ok(statSync(path.join(plain.dir, 'empty')).isDirectory());
    assert.equal(readFileSync(path.join(plain.dir, 'sub/d/f'), 'utf8'), 'x');
    assert.equal((await cairn(plain.dir, ['status', '--exit-code'], { HOME: plain.dir })).code, 0);
  });
});
