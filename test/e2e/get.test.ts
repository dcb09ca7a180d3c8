// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { countObjects } from '../helpers/dataRepo.js';
import { makeSourceRepo, type SourceFixture } from '../helpers/sourceRepo.js';
import { corruptObject, objectBytes } from '../helpers/storeObjects.js';

describe('cairn get', () => {
  let f: SourceFixture;
  let work: string;
  before(async () => {
    f = await makeSourceRepo();
    work = path.join(f.base, 'work');
    mkdirSync(work);
  });
  after(() => f.cleanup());

  it('downloads a tracked folder from a local repo without being in a cairn repo', async () => {
    const r = await cairn(work, ['get', '../src', 'data/imgs'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(work, 'imgs', 'a.txt'), 'utf8'), 'a2');
    assert.equal(readFileSync(path.join(work, 'imgs', 'b.txt'), 'utf8'), 'b');
    assert.match(r.stdout, /Downloaded data\/imgs at [0-9a-f]{12} to .*imgs: 2 files/);
    // No clone or temp folder is left behind.
    assert.deepEqual(readdirSync(work).sort(), ['imgs']);
  });

  it('--rev reads an older version, and --json describes what was written', async () => {
    const r = await cairn(work, ['get', '../src', 'data/imgs', '--rev', 'v1', '-o', 'old', '--json'], f.env);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.equal(data.rev, 'v1');
    assert.equal(data.kind, 'dir');
    assert.equal(data.files, 2);
    assert.equal(data.size, 3);
    assert.match(data.commit, /^[0-9a-f]{40}$/);
    assert.equal(data.out, path.join(work, 'old'));
    assert.equal(readFileSync(path.join(work, 'old', 'a.txt'), 'utf8'), 'a1');
  });

  it('gets one file inside a tracked folder, and a file Git tracks itself', async () => {
    const one = await cairn(work, ['get', '../src', 'data/imgs/b.txt', '-o', 'just-b.txt'], f.env);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(readFileSync(path.join(work, 'just-b.txt'), 'utf8'), 'b');
    const readme = await cairn(work, ['get', '../src', 'README.md'], f.env);
    assert.equal(readme.code, 0, readme.stderr);
    assert.equal(readFileSync(path.join(work, 'README.md'), 'utf8'), 'hello\n');
  });

  it('takes the data from the source\'s default remote when its cache does not have it', async () => {
    sh(f.base, 'git clone -q src clone', f.env);
    const r = await cairn(work, ['get', '../clone', 'model.bin', '-o', 'model-from-remote.bin', '--json'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(work, 'model-from-remote.bin'), 'utf8'), 'm1');
    assert.deepEqual(JSON.parse(r.stdout).from, ['remote "origin" of ../clone']);
  });

  it('inside a cairn repo, the objects land in its cache', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    const r = await cairn(repo.dir, ['get', path.join(f.base, 'src'), 'model.bin', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(countObjects(path.join(repo.dir, '.cairn/cache')), 1);
    assert.ok(!existsSync(path.join(repo.dir, 'model.bin.cairn')), 'get writes no pointer');
  });

  it('a corrupt object on the remote is reported by name and nothing is written', async () => {
    sh(f.base, 'git clone -q src clone2', f.env);
    const oid = /oid: ([0-9a-f]{64})/.exec(readFileSync(path.join(f.src, 'model.bin.cairn'), 'utf8'))![1];
    const good = objectBytes(f.storage, oid).toString('latin1');
    corruptObject(f.storage, oid, 'evil');
    try {
      const r = await cairn(work, ['get', '../clone2', 'model.bin', '-o', 'corrupt.bin'], f.env);
      assert.equal(r.code, 6, r.stderr);
      assert.match(r.stderr, /model\.bin/);
      assert.match(r.stderr, new RegExp(oid.slice(0, 12)));
      assert.ok(!existsSync(path.join(work, 'corrupt.bin')));
    } finally {
      corruptObject(f.storage, oid, good);
    }
  });

  it('refuses an existing output and changes nothing; --force replaces it', async () => {
    writeFileSync(path.join(work, 'taken'), 'mine');
    const r = await cairn(work, ['get', '../src', 'model.bin', '-o', 'taken'], f.env);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /already exists/);
    assert.equal(readFileSync(path.join(work, 'taken'), 'utf8'), 'mine');
    const forced = await cairn(work, ['get', '../src', 'model.bin', '-o', 'taken', '--force'], f.env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(path.join(work, 'taken'), 'utf8'), 'm1');
  });

  it('explains an untracked path, a bad revision and an unknown repository', async () => {
    const before = readdirSync(work).sort();
    const nope = await cairn(work, ['get', '../src', 'data/nope'], f.env);
    assert.equal(nope.code, 4);
    assert.match(nope.stderr, /data\/nope is not tracked in \.\.\/src at HEAD/);
    assert.match(nope.stderr, /data\/imgs, model\.bin/);
    const rev = await cairn(work, ['get', '../src', 'model.bin', '--rev', 'v9'], f.env);
    assert.equal(rev.code, 4);
    assert.match(rev.stderr, /unknown revision "v9"/);
    const url = await cairn(work, ['get', '../missing-repo', 'model.bin', '--json'], f.env);
    assert.equal(url.code, 4);
    assert.match(JSON.parse(url.stdout).error.message, /does not exist/);
    const bad = await cairn(work, ['get', '../src', '../etc/passwd'], f.env);
    assert.equal(bad.code, 2);
    assert.deepEqual(readdirSync(work).sort(), before);
  });

  it('reads a file:// URL like a network one: a relative remote cannot be resolved, an absolute one works', async () => {
    sh(f.base, 'git clone -q src clone4', f.env);
    const clone = path.join(f.base, 'clone4');
    const url = `file://${clone}`;
    const rel = await cairn(work, ['get', url, 'model.bin', '-o', 'via-url.bin'], f.env);
    assert.equal(rel.code, 2, rel.stderr);
    assert.match(rel.stderr, /relative folder "\.\.\/storage"/);
    assert.equal((await cairn(clone, ['remote', 'modify', 'origin', 'url', f.storage], f.env)).code, 0);
    sh(clone, 'git commit -q -am "absolute remote"', f.env);
    const abs = await cairn(work, ['get', url, 'model.bin', '-o', 'via-url.bin'], f.env);
    assert.equal(abs.code, 0, abs.stderr);
    assert.equal(readFileSync(path.join(work, 'via-url.bin'), 'utf8'), 'm1');
  });

  it('gets a pipeline output recorded in the source\'s cairn.lock', async () => {
    sh(f.base, 'git clone -q src piped', f.env);
    const piped = path.join(f.base, 'piped');
    writeFileSync(path.join(piped, 'cairn.yaml'), 'stages:\n  report:\n    cmd: mkdir -p out && echo done > out/result.txt\n    outs:\n      - out\n');
    const repro = await cairn(piped, ['repro'], f.env);
    assert.equal(repro.code, 0, repro.stderr);
    sh(piped, 'git add -A && git commit -q -m pipeline', f.env);
    const r = await cairn(work, ['get', '../piped', 'out/result.txt', '-o', 'result.txt'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(work, 'result.txt'), 'utf8'), 'done\n');
  });

  it('says so when the source has no remote and its cache lacks the data', async () => {
    sh(f.base, 'git clone -q src clone3', f.env);
    const cfg = path.join(f.base, 'clone3', '.cairn', 'config.toml');
    writeFileSync(cfg, '# no remotes\n');
    sh(path.join(f.base, 'clone3'), 'git commit -q -am "drop remote"', f.env);
    rmSync(path.join(work, 'lonely.bin'), { force: true });
    const r = await cairn(work, ['get', '../clone3', 'model.bin', '-o', 'lonely.bin'], f.env);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /has no remote configured/);
    assert.ok(!existsSync(path.join(work, 'lonely.bin')));
  });
});
