import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CAIRN_BIN, cairn, sh, tempDir, tempGitRepo, testEnv } from '../helpers/cli.js';

function writeFiles(root: string, n: number, tag: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const rel = `data/p${i % 4}/f${i}.txt`;
    files[rel] = `${tag} ${i}\n`;
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), files[rel]);
  }
  return files;
}

const count = (dir: string, suffix = '') => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(suffix)).length : 0);

function assertFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) assert.equal(readFileSync(path.join(root, rel), 'utf8'), text, rel);
}

/** Runs the built CLI and kills it with SIGKILL after `ms`; resolves whether the kill landed. */
function runKilled(cwd: string, args: string[], env: Record<string, string>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CAIRN_BIN, ...args], { cwd, env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

// These start from layout 1 caches and remotes, whatever layout new caches get by default.
const LAYOUT1 = { CAIRN_CACHE_LAYOUT: '1' };

describe('cairn cache migrate: layout 1 to layout 2 in place', () => {
  const repo = tempGitRepo();
  Object.assign(repo.env, LAYOUT1);
  const remote = tempDir('cairn-migrate-remote-');
  after(() => {
    repo.cleanup();
    remote.cleanup();
  });
  const cache = path.join(repo.dir, '.cairn', 'cache');
  let files: Record<string, string>;

  it('packs every small loose object, keeps large ones loose, and checks out byte for byte; a rerun does nothing', async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    files = writeFiles(repo.dir, 800, 'v1');
    writeFileSync(path.join(repo.dir, 'big.bin'), 'L'.repeat(200_000));
    assert.equal((await cairn(repo.dir, ['add', 'data', 'big.bin'], repo.env)).code, 0);
    assert.equal(readFileSync(path.join(cache, 'LAYOUT'), 'utf8'), 'cairn-objects 1\n');
    const r = await cairn(repo.dir, ['cache', 'migrate', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.from, 1);
    assert.equal(json.packed, 800, 'the 800 files (the tree of 800 entries is above the threshold)');
    assert.equal(readFileSync(path.join(cache, 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    assert.equal(count(path.join(cache, 'objects')), 2, 'only the large object and the large tree stay loose');
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    assert.equal((await cairn(repo.dir, ['checkout'], repo.env)).code, 0);
    assertFiles(repo.dir, files);
    assert.equal((await cairn(repo.dir, ['fsck'], repo.env)).code, 0);
    const again = JSON.parse((await cairn(repo.dir, ['cache', 'migrate', '--json'], repo.env)).stdout);
    assert.equal(again.packed, 0);
    assert.equal(again.from, 2);
  });

  it('a migration killed at any point loses nothing, and a rerun finishes it', { timeout: 120_000 }, async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    const env = testEnv(other.home, LAYOUT1);
    assert.equal((await cairn(other.dir, ['init'], env)).code, 0);
    const mine = writeFiles(other.dir, 3000, 'kill');
    assert.equal((await cairn(other.dir, ['add', 'data'], env)).code, 0);
    let kills = 0;
    for (const ms of [150, 250, 400]) {
      if (await runKilled(other.dir, ['cache', 'migrate'], env, ms)) kills++;
      // Whatever the kill interrupted, every object is loose or packed: checkout and fsck are whole.
      const fsck = await cairn(other.dir, ['fsck', '--json'], env);
      assert.equal(fsck.code, 0, fsck.stdout);
    }
    assert.ok(kills > 0, 'at least one migration was killed mid-way');
    const done = await cairn(other.dir, ['cache', 'migrate', '--json'], env);
    assert.equal(done.code, 0, done.stderr);
    const oc = path.join(other.dir, '.cairn', 'cache');
    assert.equal(readFileSync(path.join(oc, 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    assert.equal(count(path.join(oc, 'objects')), 1, 'the tree of 3,000 entries');
    rmSync(path.join(other.dir, 'data'), { recursive: true });
    assert.equal((await cairn(other.dir, ['checkout'], env)).code, 0);
    assertFiles(other.dir, mine);
  });

  it('--remote converts a layout 1 remote: packs up, marker, loose copies removed; a fresh clone pulls it all', async () => {
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'store', remote.dir], repo.env)).code, 0);
    const migratedCache = path.join(repo.dir, '.cairn', 'cache');
    // Push from a layout 1 view: write the remote before it has a marker (as an old cairn would).
    rmSync(path.join(migratedCache, 'LAYOUT'));
    writeFileSync(path.join(migratedCache, 'LAYOUT'), 'cairn-objects 1\n');
    assert.equal((await cairn(repo.dir, ['push'], repo.env)).code, 0);
    assert.ok(!existsSync(path.join(remote.dir, 'meta', 'LAYOUT')), 'pushed from a layout 1 cache, the remote stays layout 1');
    writeFileSync(path.join(migratedCache, 'LAYOUT'), 'cairn-objects 2\n');
    assert.equal(count(path.join(remote.dir, 'objects')), 802);
    const r = await cairn(repo.dir, ['cache', 'migrate', '--remote', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.packed, 800);
    assert.equal(json.removed, 800);
    assert.equal(readFileSync(path.join(remote.dir, 'meta', 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    assert.equal(count(path.join(remote.dir, 'objects')), 2);
    assert.ok(count(path.join(remote.dir, 'packs'), '.pack') >= 1);
    sh(repo.dir, 'git add -A && git commit -qm v1', repo.env);
    const clone = tempGitRepo();
    after(() => clone.cleanup());
    sh(clone.dir, `git fetch -q ${repo.dir} main && git reset -q --hard FETCH_HEAD`, clone.env);
    const pull = await cairn(clone.dir, ['pull'], clone.env);
    assert.equal(pull.code, 0, pull.stderr);
    assertFiles(clone.dir, files);
    assert.equal(JSON.parse((await cairn(repo.dir, ['cache', 'migrate', '--remote', '--json'], repo.env)).stdout).packed, 0);
  });

  it('gc repacks: a pack of garbage goes, locally and on the remote; a mostly live pack keeps its few dead objects', async () => {
    // v2 replaces every file: the v1 pack is all garbage.
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    const v2 = writeFiles(repo.dir, 800, 'v2');
    assert.equal((await cairn(repo.dir, ['add', 'data'], repo.env)).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v2', repo.env);
    assert.equal((await cairn(repo.dir, ['push'], repo.env)).code, 0);
    const packsBefore = count(path.join(cache, 'packs'), '.pack');
    const gc = await cairn(repo.dir, ['gc', '-w', '-f', '--json'], repo.env);
    assert.equal(gc.code, 0, gc.stderr);
    const report = JSON.parse(gc.stdout);
    assert.ok(report.packs.deleted >= 1, JSON.stringify(report.packs));
    assert.ok(count(path.join(cache, 'packs'), '.pack') < packsBefore);
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    assert.equal((await cairn(repo.dir, ['checkout'], repo.env)).code, 0);
    assertFiles(repo.dir, v2);
    assert.equal((await cairn(repo.dir, ['fsck'], repo.env)).code, 0);

    const remotePacks = count(path.join(remote.dir, 'packs'), '.pack');
    const rgc = await cairn(repo.dir, ['gc', '--remote', '-w', '-f', '--json'], repo.env);
    assert.equal(rgc.code, 0, rgc.stderr);
    assert.ok(JSON.parse(rgc.stdout).packs.deleted >= 1);
    assert.ok(count(path.join(remote.dir, 'packs'), '.pack') < remotePacks);

    // Ten of 800 files change: their old copies are garbage inside a mostly live pack, which stays as it is.
    for (let i = 0; i < 10; i++) writeFileSync(path.join(repo.dir, `data/p${i % 4}/f${i}.txt`), `v3 ${i}\n`);
    assert.equal((await cairn(repo.dir, ['add', 'data'], repo.env)).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v3', repo.env);
    const small = JSON.parse((await cairn(repo.dir, ['gc', '-w', '-f', '--json'], repo.env)).stdout);
    assert.equal(small.packs.keptGarbage, 10);
    assert.equal(small.packs.rewritten, 0);
    assert.equal((await cairn(repo.dir, ['fsck'], repo.env)).code, 0);
  });
});
