// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sh, writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';
import { objectBytes, removeObject, repoCache } from '../helpers/storeObjects.js';

describe('cairn status', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());
  writeTree(repo.dir, { 'data/a.csv': 'one', 'data/sub/b.csv': 'two', 'data/c.csv': 'three', 'model.bin': 'weights' });

  it('says when nothing is tracked', async () => {
    const r = await repo.run(['status', '--exit-code']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No data is tracked yet/);
  });

  it('is clean (exit 0) right after add', async () => {
    assert.equal((await repo.run(['add', 'data', 'model.bin'])).code, 0);
    const r = await repo.run(['status', '--exit-code']);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Tracked data is up to date \(2 paths\)/);
    const json = JSON.parse((await repo.run(['status', '--exit-code', '--json'])).stdout);
    assert.equal(json.clean, true);
    assert.deepEqual(json.data.paths.map((p: { path: string; workspace: string }) => [p.path, p.workspace]), [['data', 'unchanged'], ['model.bin', 'unchanged']]);
  });

  it('lists files added, modified and deleted inside a folder, and a changed file (exit 13 with --exit-code)', async () => {
    writeFileSync(path.join(repo.dir, 'data/a.csv'), 'ONE');
    writeFileSync(path.join(repo.dir, 'data/new.csv'), 'new');
    unlinkSync(path.join(repo.dir, 'data/sub/b.csv'));
    writeFileSync(path.join(repo.dir, 'model.bin'), 'weights v2');
    const r = await repo.run(['status', '--exit-code']);
    assert.equal(r.code, 13);
    const plain = await repo.run(['status']);
    assert.equal(plain.code, 0, 'without --exit-code a status that ran exits 0, as git status does');
    assert.equal(plain.stdout, r.stdout);
    assert.match(r.stdout, /data\/: changed\n\tmodified:  data\/a\.csv\n\tadded:     data\/new\.csv\n\tdeleted:   data\/sub\/b\.csv/);
    assert.match(r.stdout, /model\.bin: modified/);
    const json = JSON.parse((await repo.run(['status', '--exit-code', '--json'])).stdout);
    assert.equal(json.clean, false);
    assert.deepEqual(json.data.paths[0], {
      path: 'data', pointer: 'data.cairn', kind: 'dir', workspace: 'modified',
      added: ['data/new.csv'], modified: ['data/a.csv'], deleted: ['data/sub/b.csv'], notInCache: [], treeMissing: false, recorded: false,
    });
  });

  it('takes paths (data or pointer, relative to the current folder) to check only some', async () => {
    const r = await repo.run(['status', '--exit-code', 'model.bin.cairn', '--json']);
    assert.deepEqual(JSON.parse(r.stdout).data.paths.map((p: { path: string }) => p.path), ['model.bin']);
    const sub = await repo.run(['status', '--exit-code', '.', '--json'], { cwd: path.join(repo.dir, 'data') });
    assert.deepEqual(JSON.parse(sub.stdout).data.paths.map((p: { path: string }) => p.path), ['data']);
    const bad = await repo.run(['status', '--exit-code', 'untracked.txt']);
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /untracked\.txt is not tracked by cairn/);
  });

  it('reports a missing workspace path and objects missing from the cache', async () => {
    assert.equal((await repo.run(['checkout', '--force'])).code, 0);
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    const pointer = readFileSync(path.join(repo.dir, 'model.bin.cairn'), 'utf8');
    const oid = /oid: (\w+)/.exec(pointer)![1];
    removeObject(repoCache(repo.dir), oid);
    const r = await repo.run(['status', '--exit-code']);
    assert.equal(r.code, 13);
    assert.match(r.stdout, /data: missing from the workspace \(restore with `cairn checkout data`\)/);
    assert.match(r.stdout, /model\.bin: its object not in cache \(fetch with `cairn pull model\.bin`\)/);
    const json = JSON.parse((await repo.run(['status', '--exit-code', '--json'])).stdout);
    assert.equal(json.data.paths[0].workspace, 'missing');
    assert.deepEqual(json.data.paths[1].notInCache, ['model.bin']);
  });

  it('does not re-hash a file whose inode, size and mtime are unchanged (the state index)', async () => {
    assert.equal((await repo.run(['checkout'])).code, 0);
    assert.equal((await repo.run(['add', 'model.bin'])).code, 0);
    assert.equal((await repo.run(['status', '--exit-code'])).code, 0);
    // Same size, same inode, mtime put back: only a re-hash could notice this edit, and status must not re-hash.
    const file = path.join(repo.dir, 'data/c.csv');
    sh(repo.dir, 'touch -r data/c.csv .cairn/tmp/ref && printf THREE > data/c.csv.new && cat data/c.csv.new > data/c.csv && rm data/c.csv.new && touch -r .cairn/tmp/ref data/c.csv');
    assert.equal(readFileSync(file, 'utf8'), 'THREE');
    assert.equal((await repo.run(['status', '--exit-code'])).code, 0);
    // A real edit changes the mtime and is seen.
    sh(repo.dir, 'sleep 0.01; printf THREE > data/c.csv');
    assert.equal((await repo.run(['status', '--exit-code'])).code, 13);
  });

  it('notices an object of an unchanged folder removed from the cache (the folder snapshot does not hide it)', async () => {
    assert.equal((await repo.run(['add', 'data'])).code, 0);
    assert.equal((await repo.run(['status', '--exit-code'])).code, 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await repo.run(['status', '--exit-code'])).code, 0, 'clean twice: the second run can use the snapshot');
    const treeOid = /oid: (\w+)/.exec(readFileSync(path.join(repo.dir, 'data.cairn'), 'utf8'))![1];
    const tree = JSON.parse(objectBytes(repoCache(repo.dir), treeOid).toString('utf8'));
    const oid: string = tree.entries[0].oid;
    removeObject(repoCache(repo.dir), oid);
    const r = await repo.run(['status', '--exit-code', 'data', '--json']);
    assert.equal(r.code, 13);
    assert.deepEqual(JSON.parse(r.stdout).data.paths[0].notInCache, [`data/${tree.entries[0].path}`]);
    assert.equal((await repo.run(['add', 'data'])).code, 0);
    assert.equal((await repo.run(['status', '--exit-code'])).code, 0);
  });

  it('ignores a temp file left in a tracked folder by a killed cairn (and removes it once its process is gone)', async () => {
    writeFileSync(path.join(repo.dir, 'data/.a.csv.tmp-4242-0-7'), 'half a copy');
    const r = await repo.run(['status', '--exit-code', 'data']);
    assert.equal(r.code, 0, r.stdout);
    // pid 4242 may be alive here (then the file stays); either way it is not data.
    rmSync(path.join(repo.dir, 'data/.a.csv.tmp-4242-0-7'), { force: true });
  });

  it('a malformed pointer is an error naming the file and the field', async () => {
    const file = path.join(repo.dir, 'model.bin.cairn');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace(/oid: \w+/, 'oid: not-a-hash'));
    const r = await repo.run(['status', '--exit-code']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /malformed pointer file .*model\.bin\.cairn: field "oid"/);
    writeFileSync(file, good.replace('size:', 'sise:'));
    const r2 = await repo.run(['status', '--exit-code', '--json']);
    assert.equal(r2.code, 3);
    assert.match(JSON.parse(r2.stdout).error.message, /field "sise" is not a pointer field/);
    writeFileSync(file, good);
  });
});
