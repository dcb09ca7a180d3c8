import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { objectPath } from '../../src/data/objectPath.js';
import { ObjectStore } from '../../src/data/objectStore.js';
import { writePackSync } from '../../src/data/packs/writePack.js';
import { openRepo } from '../../src/core/repo.js';
import { initRepo } from '../../src/data/initRepo.js';
import { readLayout } from '../../src/data/packs/cacheLayout.js';
import { FLUSH_FILES_MAX, flushFiles } from '../../src/data/prepareCache.js';
import { storePathUnflushed } from '../../src/data/storePath.js';
import { tempDir, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('ObjectStore over a packed object (layout 2)', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  const root = path.join(tmp.dir, 'cache');
  const data = Buffer.from('metrics {"acc": 0.5}\n');
  const oid = hashBuffer(data);

  it('putFile of content already packed stores nothing and gives its size (no loose copy, no stat of one)', async () => {
    const store = new ObjectStore(root);
    await store.ensureLayout(2);
    writePackSync(root, [{ oid, data }]);
    const src = path.join(tmp.dir, 'metrics.json');
    writeFileSync(src, data);
    assert.deepEqual(await store.putFile(src, oid), { size: data.length, stored: false });
    assert.ok(!existsSync(objectPath(root, oid)), 'no loose copy beside the packed one');
    assert.equal(await store.size(oid), data.length);
    assert.deepEqual(await store.read(oid), data);
    assert.equal(await store.verify(oid), 'ok');
  });

  it('size is null for an object the store does not have', async () => {
    assert.equal(await new ObjectStore(root).size(hashBuffer('absent')), null);
  });
});

describe('what a store run says must be flushed (storePathUnflushed)', () => {
  const t = tempGitRepo();
  after(() => t.cleanup());

  it('layout 2 with few large files: just those loose objects and the tree, with the packs already durable', async () => {
    await initRepo({ cwd: t.dir });
    const repo = await openRepo({ cwd: t.dir, env: {} });
    const files: Record<string, string | Buffer> = { 'big.bin': Buffer.alloc(100_000, 1) };
    for (let i = 0; i < 300; i++) files[`f${i}.txt`] = `small ${i}\n`;
    writeTree(path.join(t.dir, 'data'), files);
    const r = await storePathUnflushed(repo, path.join(t.dir, 'data'));
    assert.equal(readLayout(repo.cacheDir), 2);
    assert.deepEqual(r.looseWritten?.sort(), [objectPath(repo.cacheDir, hashBuffer(files['big.bin'])), objectPath(repo.cacheDir, r.oid)].sort());
    for (const f of r.looseWritten!) assert.ok(existsSync(f));
    assert.equal(r.stored, 302);
    flushFiles([...r.looseWritten!, path.join(t.dir, 'no-such-file')]); // a vanished file is skipped, not an error
  });

  it('many large files: null, the caller flushes the whole file system', async () => {
    const repo = await openRepo({ cwd: t.dir, env: {} });
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < FLUSH_FILES_MAX; i++) files[`b${i}.bin`] = Buffer.alloc(70_000, i);
    writeTree(path.join(t.dir, 'many'), files);
    assert.equal((await storePathUnflushed(repo, path.join(t.dir, 'many'))).looseWritten, null);
  });

  it('layout 1: null (every object is a loose file)', async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    await initRepo({ cwd: other.dir });
    const repo = await openRepo({ cwd: other.dir, env: { CAIRN_CACHE_LAYOUT: '1' } });
    writeTree(path.join(other.dir, 'data'), { 'a.txt': 'a' });
    assert.equal((await storePathUnflushed(repo, path.join(other.dir, 'data'))).looseWritten, null);
  });
});
