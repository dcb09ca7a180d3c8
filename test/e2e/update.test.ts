import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { cairn, sh } from '../helpers/cli.js';
import { changeSource, makeImportingRepo, makeSourceRepo, type SourceFixture } from '../helpers/sourceRepo.js';

const pointerOf = (file: string) => parseYaml(readFileSync(file, 'utf8'));

describe('cairn update', () => {
  let f: SourceFixture;
  let dst: string;
  before(async () => {
    f = await makeSourceRepo();
    dst = await makeImportingRepo(f);
    assert.equal((await cairn(dst, ['import', '../src', 'data/imgs', '--rev', 'v1', '-o', 'pinned'], f.env)).code, 0);
    assert.equal((await cairn(dst, ['import', '../src', 'data/imgs', '-o', 'follows'], f.env)).code, 0);
  });
  after(() => f.cleanup());

  it('reports "already up to date" when the revision still names the same commit, changing nothing', async () => {
    const before = readFileSync(path.join(dst, 'pinned.cairn'), 'utf8');
    const r = await cairn(dst, ['update', 'pinned', 'follows'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pinned is already up to date/);
    assert.match(r.stdout, /follows is already up to date/);
    assert.equal(readFileSync(path.join(dst, 'pinned.cairn'), 'utf8'), before);
  });

  it('follows new commits of the source branch', async () => {
    await changeSource(f, 'b2');
    const r = await cairn(dst, ['update', 'follows', '--json'], f.env);
    assert.equal(r.code, 0, r.stderr);
    const [u] = JSON.parse(r.stdout).updated;
    assert.equal(u.updated, true);
    assert.equal(u.changed, true);
    assert.equal(u.source.commit, sh(f.src, 'git rev-parse HEAD').trim());
    assert.equal(readFileSync(path.join(dst, 'follows', 'b.txt'), 'utf8'), 'b2');
    assert.equal(pointerOf(path.join(dst, 'follows.cairn')).source.commit, u.source.commit);
    // The pinned import does not move.
    const pinned = await cairn(dst, ['update', 'pinned.cairn'], f.env);
    assert.match(pinned.stdout, /pinned is already up to date/);
    assert.equal(readFileSync(path.join(dst, 'pinned', 'a.txt'), 'utf8'), 'a1');
  });

  it('--rev moves an import to another revision and records it', async () => {
    const r = await cairn(dst, ['update', 'pinned', '--rev', 'main'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Updated pinned \([0-9a-f]{12} -> [0-9a-f]{12}\)/);
    assert.equal(readFileSync(path.join(dst, 'pinned', 'a.txt'), 'utf8'), 'a2');
    assert.equal(readFileSync(path.join(dst, 'pinned', 'b.txt'), 'utf8'), 'b2');
    assert.equal(pointerOf(path.join(dst, 'pinned.cairn')).source.rev, 'main');
  });

  it('refuses to overwrite local changes to imported data unless --force', async () => {
    await changeSource(f, 'b3');
    const file = path.join(dst, 'follows', 'b.txt');
    chmodSync(file, 0o644);
    writeFileSync(file, 'edited here');
    const before = readFileSync(path.join(dst, 'follows.cairn'), 'utf8');
    const r = await cairn(dst, ['update', 'follows'], f.env);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /local changes/);
    assert.equal(readFileSync(file, 'utf8'), 'edited here');
    assert.equal(readFileSync(path.join(dst, 'follows.cairn'), 'utf8'), before);
    const forced = await cairn(dst, ['update', 'follows', '--force'], f.env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'b3');
  });

  it('explains paths that are not imports, and a bad revision, changing nothing', async () => {
    writeFileSync(path.join(dst, 'own.txt'), 'own');
    assert.equal((await cairn(dst, ['add', 'own.txt'], f.env)).code, 0);
    const own = await cairn(dst, ['update', 'own.txt'], f.env);
    assert.equal(own.code, 2);
    assert.match(own.stderr, /own\.txt was not imported/);
    const none = await cairn(dst, ['update', 'nothing'], f.env);
    assert.equal(none.code, 4);
    assert.match(none.stderr, /nothing is not tracked/);
    const before = readFileSync(path.join(dst, 'pinned.cairn'), 'utf8');
    const rev = await cairn(dst, ['update', 'pinned', '--rev', 'v99'], f.env);
    assert.equal(rev.code, 4);
    assert.match(rev.stderr, /unknown revision "v99"/);
    assert.equal(readFileSync(path.join(dst, 'pinned.cairn'), 'utf8'), before);
  });
});
