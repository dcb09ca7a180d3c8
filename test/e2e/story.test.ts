// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { hashBuffer } from '../../src/core/hash.js';
import { corruptObject, repoCache } from '../helpers/storeObjects.js';

/** The end-to-end story, typed as a user would: version, travel through history, restore, clean up, verify. */
describe('the data versioning story', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const run = async (args: string[], expectCode = 0) => {
    const r = await cairn(repo.dir, args, repo.env);
    assert.equal(r.code, expectCode, `cairn ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r;
  };
  const read = (rel: string) => readFileSync(path.join(repo.dir, rel), 'utf8');
  const listData = () => sh(repo.dir, 'cd data && find . -type f | sort', repo.env);
  const v1 = { 'data/train/a.csv': 'x,y\n1,2\n', 'data/train/b.csv': 'x,y\n3,4\n', 'data/labels.txt': 'spam\nham\n', 'model.bin': 'model weights v1' };

  it('walks init, add, commit, change, travel back and forth, restore, gc and fsck', async () => {
    await run(['init']);
    sh(repo.dir, 'git add -A && git commit -qm "cairn init"', repo.env);

    // Version a directory and a model.
    writeTree(repo.dir, v1);
    await run(['add', 'data', 'model.bin']);
    sh(repo.dir, 'git add data.cairn model.bin.cairn .gitignore && git commit -qm "data v1"', repo.env);
    assert.equal(sh(repo.dir, 'git ls-files', repo.env).includes('data/train/a.csv'), false, 'Git never sees the data');
    const v1Listing = listData();

    // Change the data and the model, record them, commit.
    writeFileSync(path.join(repo.dir, 'data/train/a.csv'), 'x,y\n1,2\n5,6\n');
    rmSync(path.join(repo.dir, 'data/train/b.csv'));
    writeFileSync(path.join(repo.dir, 'data/train/c.csv'), 'x,y\n7,8\n');
    writeFileSync(path.join(repo.dir, 'model.bin'), 'model weights v2, a little longer');
    await run(['add', 'data', 'model.bin']);
    sh(repo.dir, 'git add data.cairn model.bin.cairn && git commit -qm "data v2"', repo.env);

    const diff = JSON.parse((await run(['diff', 'HEAD~1', 'HEAD', '--json'])).stdout);
    assert.deepEqual(diff.added.map((e: { path: string }) => e.path), ['data/train/c.csv']);
    assert.deepEqual(diff.deleted.map((e: { path: string }) => e.path), ['data/train/b.csv']);
    assert.deepEqual(diff.modified.map((e: { path: string }) => e.path), ['data/train/a.csv', 'model.bin']);

    // Back in history: git checkout + cairn checkout give the first bytes back.
    sh(repo.dir, 'git checkout -q HEAD~1', repo.env);
    await run(['checkout']);
    assert.equal(read('model.bin'), v1['model.bin']);
    assert.equal(read('data/train/b.csv'), v1['data/train/b.csv']);
    assert.equal(listData(), v1Listing);

    // And forward again.
    sh(repo.dir, 'git checkout -q main', repo.env);
    await run(['checkout']);
    assert.equal(read('model.bin'), 'model weights v2, a little longer');
    assert.equal(read('data/train/a.csv'), 'x,y\n1,2\n5,6\n');
    assert.match(listData(), /c\.csv/);
    assert.doesNotMatch(listData(), /b\.csv/);

    // Delete the directory and restore it.
    rmSync(path.join(repo.dir, 'data'), { recursive: true, force: true });
    await run(['checkout']);
    assert.equal(read('data/train/c.csv'), 'x,y\n7,8\n');
    const clean = JSON.parse((await run(['diff', '--json'])).stdout);
    assert.equal(clean.added.length + clean.modified.length + clean.deleted.length + clean.renamed.length, 0);

    // gc: all commits keep everything; the workspace scope lets v1-only objects go, never the current ones.
    const all = JSON.parse((await run(['gc', '--all-commits', '--dry-run', '--json'])).stdout);
    assert.equal(all.remove.length, 0);
    const ws = JSON.parse((await run(['gc', '--workspace', '--force', '--json'])).stdout);
    const gone = ws.remove.map((o: { oid: string }) => o.oid);
    assert.ok(gone.includes(hashBuffer(v1['model.bin'])));
    assert.ok(gone.includes(hashBuffer(v1['data/train/b.csv'])));
    assert.ok(!gone.includes(hashBuffer(v1['data/labels.txt'])), 'a file both versions share stays');
    assert.ok(ws.freedBytes > 0);

    // fsck catches a corrupted object.
    await run(['fsck']);
    const oid = hashBuffer('x,y\n7,8\n');
    corruptObject(repoCache(repo.dir), oid, 'x,y\n7,9\n');
    const bad = JSON.parse((await run(['fsck', '--json'], 6)).stdout);
    assert.deepEqual(bad.corrupt.map((o: { oid: string }) => o.oid), [oid]);
    await run(['fsck', '--repair'], 6);
    // One bad object quarantined in layout 1; in layout 2 its pack and index (their intact objects salvaged first).
    assert.ok([1, 2].includes(readdirSync(path.join(repo.dir, '.cairn', 'cache', 'quarantine')).length));
    const after = JSON.parse((await run(['fsck', '--json'], 4)).stdout);
    assert.deepEqual(after.missing, [{ oid, path: 'data/train/c.csv' }]);
  });
});
