import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Repo } from '../../src/core/repo.js';
import { ignoreEntry } from '../../src/data/gitignore.js';
import { checkAgainstTracked, checkNoOverlap, resolveUserPath } from '../../src/data/pathRules.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'cairn-rules-'));
const repo = { root } as Repo;
const p = (rel: string) => ({ rel, abs: path.join(root, rel) });

describe('resolveUserPath', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('resolves paths relative to the current folder, without a trailing slash', () => {
    assert.deepEqual(resolveUserPath(repo, path.join(root, 'sub'), '../data/'), p('data'));
    assert.deepEqual(resolveUserPath(repo, root, './a/b.csv'), p('a/b.csv'));
  });

  it('refuses the outside, the root, .git and .cairn', () => {
    assert.throws(() => resolveUserPath(repo, root, '../x'), /outside the repository/);
    assert.throws(() => resolveUserPath(repo, root, '/etc/passwd'), /outside the repository/);
    assert.throws(() => resolveUserPath(repo, root, '.'), /repository root itself/);
    assert.throws(() => resolveUserPath(repo, root, '.git'), /own folder \.git/);
    assert.throws(() => resolveUserPath(repo, root, '.cairn/cache/x'), /inside cairn's or Git's own folder \.cairn/);
  });

  it('maps a pointer to its data only when asked', () => {
    assert.throws(() => resolveUserPath(repo, root, 'data.cairn'), /pointer file/);
    assert.deepEqual(resolveUserPath(repo, root, 'data.cairn', { allowPointer: true }), p('data'));
    assert.deepEqual(resolveUserPath(repo, root, '.', { allowRoot: true }), { abs: root, rel: '' });
  });
});

describe('overlap and tracked-path rules', () => {
  it('finds a path inside another in one call, but not a shared prefix', () => {
    assert.throws(() => checkNoOverlap([p('data/x'), p('data')]), /data\/x is inside data/);
    assert.doesNotThrow(() => checkNoOverlap([p('data'), p('data2'), p('data-x/y')]));
  });

  it('refuses inside a tracked folder and around a tracked path, allows the path itself', () => {
    assert.throws(() => checkAgainstTracked(p('data/a'), ['data']), /inside data, which cairn already tracks/);
    assert.throws(() => checkAgainstTracked(p('top'), ['top/inner']), /contains top\/inner/);
    assert.doesNotThrow(() => checkAgainstTracked(p('data'), ['data', 'datasets']));
  });
});

describe('ignoreEntry', () => {
  it('anchors the name and escapes glob characters', () => {
    assert.equal(ignoreEntry('data'), '/data');
    assert.equal(ignoreEntry('a*b[1].csv'), '/a\\*b\\[1\\].csv');
    assert.equal(ignoreEntry('#notes'), '/\\#notes');
  });
});
