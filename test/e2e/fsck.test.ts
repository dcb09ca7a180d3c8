// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo } from '../helpers/cli.js';
import { cacheOnly, objectFile, trackFixture } from '../helpers/trackFixture.js';
import { hashBuffer } from '../../src/core/hash.js';
import { hasObject, removeObject, repoCache } from '../helpers/storeObjects.js';

describe('cairn fsck', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  let model: string;

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    model = await trackFixture(repo.dir, 'model.bin', 'weights '.repeat(100));
    await trackFixture(repo.dir, 'data', { 'one.csv': 'a,b\n1,2\n', 'two/three.csv': 'c\n3\n' });
    // Enough objects that the check goes to the worker pool, not inline.
    for (let i = 0; i < 220; i++) await cacheOnly(repo.dir, `spare object ${i}`);
  });

  it('finds nothing wrong in an intact cache', async () => {
    const r = await cairn(repo.dir, ['fsck'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Checked 224 object\(s\)/);
    assert.match(r.stdout, /No problems found/);
  });

  it('catches a corrupted object with exit code 6 and changes nothing without --repair', async () => {
    const file = objectFile(repo.dir, model);
    chmodSync(file, 0o644);
    writeFileSync(file, 'weights '.repeat(99) + 'wEights ');
    const r = await cairn(repo.dir, ['fsck', '--json'], repo.env);
    assert.equal(r.code, 6);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.corrupt, [{ oid: model, size: 800 }]);
    assert.deepEqual(json.quarantined, []);
    assert.ok(existsSync(file));
    const text = await cairn(repo.dir, ['fsck'], repo.env);
    assert.match(text.stdout, new RegExp(`corrupt: ${model}`));
    assert.match(text.stdout, /cairn fsck --repair/);
  });

  it('--repair quarantines the bad object; the next fsck reports it as missing for model.bin, with exit 4', async () => {
    const r = await cairn(repo.dir, ['fsck', '--repair', '--json'], repo.env);
    assert.equal(r.code, 6);
    const json = JSON.parse(r.stdout);
    assert.equal(json.quarantined.length, 1);
    assert.ok(!hasObject(repoCache(repo.dir), model));
    assert.equal(readdirSync(path.join(repo.dir, '.cairn', 'cache', 'quarantine')).length, 1);
    const again = await cairn(repo.dir, ['fsck', '--json'], repo.env);
    // Like `git fsck`, an object the pointers need and the cache lacks is a finding: exit 4 (NOT_FOUND), not 0.
    assert.equal(again.code, 4, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).missing, [{ oid: model, path: 'model.bin' }]);
  });

  it('reports missing files inside a tracked directory by their path, and exits 4', async () => {
    removeObject(repoCache(repo.dir), hashBuffer('c\n3\n'));
    const r = await cairn(repo.dir, ['fsck'], repo.env);
    assert.equal(r.code, 4, r.stderr);
    assert.doesNotMatch(r.stdout, /No problems found/);
    assert.match(r.stdout, /missing: data\/two\/three\.csv/);
    assert.match(r.stdout, /cairn pull/);
  });

  it('stops on a malformed pointer file, naming the file and field', async () => {
    const pointer = path.join(repo.dir, 'model.bin.cairn');
    writeFileSync(pointer, 'version: 1\nkind: file\npath: model.bin\noid: nothex\nsize: 3\n');
    const r = await cairn(repo.dir, ['fsck'], repo.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /malformed pointer file .*model\.bin\.cairn: field "oid"/);
  });
});
