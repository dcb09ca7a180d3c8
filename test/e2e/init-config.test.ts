import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cairn, tempDir, tempGitRepo } from '../helpers/cli.js';

describe('cairn init', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('creates .cairn/ with its config and ignores', async () => {
    const r = await cairn(repo.dir, ['init'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(path.join(repo.dir, '.cairn', 'config.toml')));
    assert.match(readFileSync(path.join(repo.dir, '.cairn', '.gitignore'), 'utf8'), /\/cache/);
    assert.ok(existsSync(path.join(repo.dir, '.cairnignore')));
    assert.match(r.stdout, /git add \.cairn\/config\.toml/);
  });

  it('refuses to run twice without --force', async () => {
    const r = await cairn(repo.dir, ['init'], repo.env);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /already a cairn repository/);
    assert.match(r.stderr, /--force/);
    const forced = await cairn(repo.dir, ['init', '--force'], repo.env);
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('outside Git it asks for git init or --no-git, and --no-git works', async (t) => {
    const plain = tempDir();
    t.after(() => plain.cleanup());
    const r = await cairn(plain.dir, ['init'], { HOME: plain.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not inside a Git repository/);
    assert.ok(!existsSync(path.join(plain.dir, '.cairn')));
    const ok = await cairn(plain.dir, ['init', '--no-git'], { HOME: plain.dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(existsSync(path.join(plain.dir, '.cairn', 'config.toml')));
  });
});

describe('cairn config', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('writes and reads keys at each level, local beating repo', async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['config', 'cache.link', 'hardlink,copy'], repo.env)).code, 0);
    assert.match(readFileSync(path.join(repo.dir, '.cairn', 'config.toml'), 'utf8'), /link = \[ "hardlink", "copy" \]/);
    assert.equal((await cairn(repo.dir, ['config', 'cache.link'], repo.env)).stdout.trim(), 'hardlink,copy');
    assert.equal((await cairn(repo.dir, ['config', '--local', 'cache.link', 'copy'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['config', 'cache.link'], repo.env)).stdout.trim(), 'copy');
    const json = await cairn(repo.dir, ['config', 'cache.link', '--json'], repo.env);
    assert.deepEqual(JSON.parse(json.stdout), { key: 'cache.link', value: ['copy'] });
  });

  it('environment beats files', async () => {
    const r = await cairn(repo.dir, ['config', 'cache.link'], { ...repo.env, CAIRN_CACHE_LINK: 'symlink' });
    assert.equal(r.stdout.trim(), 'symlink');
  });

  it('rejects an unknown key with a suggestion and changes nothing', async () => {
    const before = readFileSync(path.join(repo.dir, '.cairn', 'config.toml'), 'utf8');
    const r = await cairn(repo.dir, ['config', 'cache.lnk', 'copy'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown config key "cache.lnk"/);
    assert.match(r.stderr, /did you mean "cache.link"/);
    assert.equal(readFileSync(path.join(repo.dir, '.cairn', 'config.toml'), 'utf8'), before);
  });

  it('rejects a bad value and changes nothing', async () => {
    const before = readFileSync(path.join(repo.dir, '.cairn', 'config.toml'), 'utf8');
    const r = await cairn(repo.dir, ['config', 'cache.link', 'teleport'], repo.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /bad config value for "cache.link/);
    assert.equal(readFileSync(path.join(repo.dir, '.cairn', 'config.toml'), 'utf8'), before);
  });

  it('prints --json errors as {"error": ...}', async () => {
    const r = await cairn(repo.dir, ['config', 'core.remote', '--json'], repo.env);
    assert.equal(r.code, 4);
    assert.equal(JSON.parse(r.stdout).error.code, 'NOT_FOUND');
  });
});

describe('the cairn command line', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('prints its version', async () => {
    const r = await cairn(repo.dir, ['--version'], repo.env);
    assert.match(r.stdout, /^cairn \d+\.\d+\.\d+\n$/);
  });

  it('suggests the closest command for a typo', async () => {
    const r = await cairn(repo.dir, ['inti'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did you mean `cairn init`/);
  });

  it('shows help with an example for every command', async () => {
    const list = await cairn(repo.dir, ['--help'], repo.env);
    const names = [...list.stdout.matchAll(/^  (\S+)\s{2,}/gm)].map((m) => m[1]).filter((n) => !n.startsWith('-'));
    assert.ok(names.length >= 2);
    for (const name of names) {
      const r = await cairn(repo.dir, ['help', name], repo.env);
      assert.equal(r.code, 0, `help ${name}: ${r.stderr}`);
      assert.match(r.stdout, /Examples:\n  cairn /, `help ${name} has an example`);
    }
  });

  it('reports an unknown option as a usage error', async () => {
    const r = await cairn(repo.dir, ['init', '--bogus'], repo.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--bogus'/);
  });
});
