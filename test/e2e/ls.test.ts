// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { trackFixture } from '../helpers/trackFixture.js';
import { hashBuffer } from '../../src/core/hash.js';
import { removeObject, repoCache } from '../helpers/storeObjects.js';

describe('cairn ls', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  let dataV1: string;

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    await trackFixture(repo.dir, 'models/model.bin', 'weights v1');
    dataV1 = await trackFixture(repo.dir, 'data', { 'train/a.csv': 'a\n1\n', 'train/b.csv': 'b\n22\n', 'README': 'hello' });
    sh(repo.dir, 'git add -A && git commit -qm v1 && git tag v1', repo.env);
    await trackFixture(repo.dir, 'data', { 'train/a.csv': 'a\n1\n', 'test/c.csv': 'c\n333\n' });
    sh(repo.dir, 'git add -A && git commit -qm v2', repo.env);
  });

  it('lists the tracked paths with oids, sizes and file counts', async () => {
    const r = await cairn(repo.dir, ['ls'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^[0-9a-f]{12}\s+10 B\s+data\/\s+\(2 files\)$/);
    assert.match(lines[1], new RegExp(`^${hashBuffer('weights v1').slice(0, 12)}\\s+10 B\\s+models/model\\.bin$`));
  });

  it('-R lists every file inside tracked directories, in JSON with full oids', async () => {
    const r = await cairn(repo.dir, ['ls', '-R', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.commit, null);
    assert.deepEqual(json.entries.map((e: { path: string }) => e.path), ['data/test/c.csv', 'data/train/a.csv', 'models/model.bin']);
    assert.equal(json.entries[0].oid, hashBuffer('c\n333\n'));
    assert.equal(json.entries[0].size, 6);
  });

  it('inside a tracked directory shows its direct children, folders summed', async () => {
    const r = await cairn(repo.dir, ['ls', 'data', '--json'], repo.env);
    const entries = JSON.parse(r.stdout).entries;
    assert.deepEqual(entries.map((e: { path: string; kind: string }) => `${e.kind} ${e.path}`), ['dir data/test', 'dir data/train']);
    assert.equal(entries[1].files, 1);
  });

  it('lists a past revision, and a path at it', async () => {
    const r = await cairn(repo.dir, ['ls', 'v1', 'data/train', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.commit, sh(repo.dir, 'git rev-parse v1').trim());
    assert.deepEqual(json.entries.map((e: { path: string }) => e.path), ['data/train/a.csv', 'data/train/b.csv']);
    const top = JSON.parse((await cairn(repo.dir, ['ls', 'HEAD~1', '--json'], repo.env)).stdout);
    assert.equal(top.entries.find((e: { path: string }) => e.path === 'data').oid, dataV1);
  });

  it('from a sub-folder lists what is under it; the pointer path names the data', async () => {
    mkdirSync(path.join(repo.dir, 'models'), { recursive: true });
    const r = await cairn(path.join(repo.dir, 'models'), ['ls', '--json'], repo.env);
    assert.deepEqual(JSON.parse(r.stdout).entries.map((e: { path: string }) => e.path), ['models/model.bin']);
    const p = await cairn(repo.dir, ['ls', 'models/model.bin.cairn', '--json'], repo.env);
    assert.equal(JSON.parse(p.stdout).entries.length, 1);
  });

  it('a bad revision is a clear NOT_FOUND', async () => {
    const r = await cairn(repo.dir, ['ls', 'no-such-rev', 'data'], repo.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /unknown Git revision "no-such-rev"/);
    const one = await cairn(repo.dir, ['ls', 'no-such-thing'], repo.env);
    assert.equal(one.code, 4);
    assert.match(one.stderr, /neither a Git revision nor a tracked path/);
  });

  it('a path outside the repository is a usage error', async () => {
    const r = await cairn(repo.dir, ['ls', 'HEAD', '../elsewhere'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /outside the repository/);
  });

  it('says when a directory cannot be expanded because its tree is not in the cache', async () => {
    removeObject(repoCache(repo.dir), dataV1);
    const r = await cairn(repo.dir, ['ls', '-R', 'v1', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`tree object ${dataV1} of data is missing`));
    assert.deepEqual(JSON.parse(r.stdout).entries.find((e: { path: string }) => e.path === 'data').kind, 'dir');
  });
});
