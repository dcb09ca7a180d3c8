import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRepo, type Repo } from '../../src/core/repo.js';
import { collectOids } from '../../src/data/collectOids.js';
import { findPointers } from '../../src/data/findPointers.js';
import { addToGitignore, removeFromGitignore } from '../../src/data/gitignore.js';
import { hashPath } from '../../src/data/hashPath.js';
import { initRepo } from '../../src/data/initRepo.js';
import { loadTree } from '../../src/data/loadTree.js';
import { pointerPathFor, writePointer } from '../../src/data/pointer.js';
import { restorePath } from '../../src/data/restorePath.js';
import { StateIndex } from '../../src/data/stateIndex.js';
import { storePath } from '../../src/data/storePath.js';
import { hashBuffer } from '../../src/core/hash.js';
import { tempGitRepo, writeTree } from '../helpers/cli.js';
import { countObjects } from '../helpers/dataRepo.js';
import { hasObject, removeObject } from '../helpers/storeObjects.js';

describe('the data library (hashPath, storePath, restorePath, findPointers, collectOids)', () => {
  const t = tempGitRepo();
  let repo: Repo;
  const files: Record<string, string> = {};
  // Enough files that the worker pool (not the inline path) does the work.
  for (let i = 0; i < 600; i++) files[`data/part${i % 5}/row${i}.txt`] = `row ${i}\n`;
  before(async () => {
    await initRepo({ cwd: t.dir });
    repo = await openRepo({ cwd: t.dir, env: {} });
    writeTree(t.dir, { ...files, 'model.bin': 'weights' });
  });
  after(() => t.cleanup());

  it('hashPath gives a directory the oid of its tree and stores nothing', async () => {
    const info = await hashPath(repo, path.join(t.dir, 'data'));
    assert.equal(info.kind, 'dir');
    assert.equal(info.files, 600);
    assert.equal(info.size, Object.values(files).reduce((n, c) => n + c.length, 0));
    assert.equal(countObjects(repo.cacheDir), 0);
    const file = await hashPath(repo, path.join(t.dir, 'model.bin'));
    assert.deepEqual(file, { kind: 'file', oid: hashBuffer('weights'), size: 7 });
  });

  it('storePath stores every blob and the tree, and the oid matches hashPath', async () => {
    const hashed = await hashPath(repo, path.join(t.dir, 'data'));
    const stored = await storePath(repo, path.join(t.dir, 'data'));
    assert.equal(stored.oid, hashed.oid);
    assert.equal(stored.stored, 601);
    const tree = await loadTree(repo, stored.oid);
    assert.equal(tree.entries.length, 600);
    assert.equal(tree.entries[0].path, 'part0/row0.txt');
    assert.equal((await storePath(repo, path.join(t.dir, 'data'))).stored, 0, 'storing again writes nothing');
  });

  it('storing an unchanged folder again puts back an object deleted from the cache', async () => {
    const dir = path.join(t.dir, 'data');
    const info = await storePath(repo, dir);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await storePath(repo, dir)).stored, 0);
    const victim = (await loadTree(repo, info.oid)).entries[7].oid;
    removeObject(repo.cacheDir, victim);
    assert.ok(!hasObject(repo.cacheDir, victim));
    const again = await storePath(repo, dir);
    assert.equal(again.oid, info.oid);
    assert.equal(again.stored, 1);
    assert.ok(hasObject(repo.cacheDir, victim));
  });

  it('a changed file in an unchanged-looking folder is seen (the snapshot covers every file)', async () => {
    const dir = path.join(t.dir, 'data');
    const before = await hashPath(repo, dir);
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(path.join(dir, 'part3/row3.txt'), 'edited row\n');
    const after = await hashPath(repo, dir);
    assert.notEqual(after.oid, before.oid);
    writeFileSync(path.join(dir, 'part3/row3.txt'), files['data/part3/row3.txt']);
    assert.equal((await hashPath(repo, dir)).oid, before.oid);
  });

  it('the state index holds repo-relative paths', () => {
    const state = StateIndex.open(repo);
    try {
      const rows = state.loadPrefix('data');
      assert.equal(rows.size, 600);
      assert.ok(rows.has('data/part1/row1.txt'));
      assert.equal(state.loadPrefix('dat').size, 0, 'a prefix is a whole path component');
    } finally {
      state.close();
    }
  });

  it('restorePath touches only what differs and refuses to lose uncached edits', async () => {
    const dir = path.join(t.dir, 'data');
    const info = await storePath(repo, dir);
    rmSync(path.join(dir, 'part2'), { recursive: true });
    writeFileSync(path.join(dir, 'part0/row0.txt'), 'edited');
    const untouched = statSync(path.join(dir, 'part1/row1.txt')).ino;
    await assert.rejects(restorePath(repo, dir, info, {}), (err: Error & { code: string }) => err.code === 'CONFLICT' && /data\/part0\/row0\.txt/.test(err.message));
    assert.equal(readFileSync(path.join(dir, 'part0/row0.txt'), 'utf8'), 'edited');
    const summary = await restorePath(repo, dir, info, { force: true });
    assert.equal(summary.added.length, 120);
    assert.deepEqual(summary.modified, ['data/part0/row0.txt']);
    assert.deepEqual(summary.deleted, []);
    assert.equal(summary.unchanged, 479);
    assert.equal(statSync(path.join(dir, 'part1/row1.txt')).ino, untouched);
    assert.equal((await hashPath(repo, dir)).oid, info.oid);
  });

  it('restorePath replaces a file by a folder and back', async () => {
    const dir = path.join(t.dir, 'data');
    const info = await hashPath(repo, dir);
    const model = await storePath(repo, path.join(t.dir, 'model.bin'));
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'weights');
    const s = await restorePath(repo, dir, info, {});
    assert.deepEqual(s.deleted, ['data']);
    assert.equal(s.added.length, 600);
    const back = await restorePath(repo, dir, model, {});
    assert.equal(back.deleted.length, 0 + 600);
    assert.equal(readFileSync(dir, 'utf8'), 'weights');
    await restorePath(repo, dir, info, {});
  });

  it('findPointers lists pointer files (not ignored data) and collectOids names every object they need', async () => {
    const data = await storePath(repo, path.join(t.dir, 'data'));
    const model = await storePath(repo, path.join(t.dir, 'model.bin'));
    const pointers = [
      { version: 1, kind: 'dir' as const, path: 'data', oid: data.oid, size: data.size, files: data.files },
      { version: 1, kind: 'file' as const, path: 'model.bin', oid: model.oid, size: model.size },
    ];
    await writePointer(pointerPathFor(path.join(t.dir, 'data')), pointers[0]);
    await writePointer(pointerPathFor(path.join(t.dir, 'model.bin')), pointers[1]);
    await addToGitignore(path.join(t.dir, 'data'));
    writeTree(t.dir, { 'data/stray.cairn': 'not a pointer of ours: inside ignored data' });
    assert.deepEqual(await findPointers(repo), ['data.cairn', 'model.bin.cairn']);
    const oids = await collectOids(repo, pointers);
    assert.equal(oids.size, 1 + 600 + 1);
    assert.ok(oids.has(data.oid) && oids.has(model.oid));
    rmSync(path.join(t.dir, 'data/stray.cairn'));
    assert.ok(await removeFromGitignore(path.join(t.dir, 'data')));
    assert.ok(!existsSync(path.join(t.dir, '.gitignore')), 'a .gitignore left empty is removed');
  });
});
