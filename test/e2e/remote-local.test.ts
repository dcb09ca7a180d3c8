// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { track } from '../helpers/track.js';
import { corruptObject, hasObject, repoCache, storedOids } from '../helpers/storeObjects.js';

/** The objects a directory remote holds (loose or packed), as oids. */
const objectFiles = storedOids;

describe('cairn remote (configuration)', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const config = () => readFileSync(path.join(repo.dir, '.cairn', 'config.toml'), 'utf8');
  const localConfig = () => {
    const f = path.join(repo.dir, '.cairn', 'config.local.toml');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  };

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
  });

  it('adds, lists, renames, sets the default and removes remotes', async () => {
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'origin', '/srv/store'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'add', 'cloud', 's3://my-bucket/project'], repo.env)).code, 0);
    assert.match(config(), /\[remote\.origin\]\s+url = "\/srv\/store"/);
    assert.match(config(), /remote = "origin"/);
    const list = JSON.parse((await cairn(repo.dir, ['remote', 'list', '--json'], repo.env)).stdout);
    assert.deepEqual(list.map((r: { name: string; default: boolean }) => [r.name, r.default]), [['cloud', false], ['origin', true]]);
    assert.equal((await cairn(repo.dir, ['remote', 'rename', 'origin', 'shared'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'default'], repo.env)).stdout.trim(), 'shared');
    assert.equal((await cairn(repo.dir, ['remote', 'default', 'cloud'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'default'], repo.env)).stdout.trim(), 'cloud');
    assert.equal((await cairn(repo.dir, ['remote', 'remove', 'shared'], repo.env)).code, 0);
    assert.doesNotMatch(config(), /shared/);
  });

  it('keeps secrets out of the committed config and out of every output', async () => {
    const r = await cairn(repo.dir, ['remote', 'modify', 'cloud', 'secret_access_key', 'TOPSECRET'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await cairn(repo.dir, ['remote', 'modify', 'cloud', 'access_key_id', 'AKIDEXAMPLE'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'modify', 'cloud', 'endpoint_url', 'http://127.0.0.1:9'], repo.env)).code, 0);
    assert.doesNotMatch(config(), /TOPSECRET|AKIDEXAMPLE/);
    assert.match(localConfig(), /TOPSECRET/);
    assert.match(config(), /endpoint_url/);
    const list = await cairn(repo.dir, ['remote', 'list', '--json'], repo.env);
    assert.doesNotMatch(list.stdout + r.stdout, /TOPSECRET|AKIDEXAMPLE/);
    assert.equal(JSON.parse(list.stdout)[0].options.secret_access_key, '***');
    // A password inside a URL is moved out of the URL.
    const add = await cairn(repo.dir, ['remote', 'add', 'dav', 'webdavs://alice:pa55word@dav.example.com/store'], repo.env);
    assert.equal(add.code, 0, add.stderr);
    assert.doesNotMatch(config() + add.stdout, /pa55word/);
    assert.match(localConfig(), /password = "pa55word"/);
  });

  it('rejects bad names, URLs and options with a suggestion, changing nothing', async () => {
    const before = config() + localConfig();
    const cases: Array<[string[], number, RegExp]> = [
      [['remote', 'add', 'x', 'sftp://host/path'], 2, /unsupported remote URL scheme "sftp:\/\/"/],
      [['remote', 'add', 'x', 's3://Bad_Bucket/x'], 2, /not a valid S3 bucket name/],
      [['remote', 'add', 'bad.name', '/tmp/x'], 2, /not a valid remote name/],
      [['remote', 'add', 'cloud', '/tmp/x'], 5, /already exists/],
      [['remote', 'modify', 'cloud', 'endpoint', 'http://x'], 2, /did you mean "endpoint_url"/],
      [['remote', 'modify', 'clod', 'region', 'eu-west-1'], 4, /did you mean "cloud"/],
      [['remote', 'modify', 'cloud', 'jobs', 'many'], 2, /jobs must be a whole number/],
      [['remote', 'remove', 'nope'], 4, /remote "nope" is not configured/],
      [['remote', 'rename', 'cloud', 'dav'], 5, /already exists/],
    ];
    for (const [args, code, pattern] of cases) {
      const r = await cairn(repo.dir, args, repo.env);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
    assert.equal(config() + localConfig(), before);
  });
});

describe('cairn push / pull through a local directory', () => {
  const a = tempGitRepo();
  const b = tempGitRepo();
  const store = path.join(a.dir, '..', 'store');
  after(() => {
    a.cleanup();
    b.cleanup();
  });
  const files: Record<string, string> = {
    'data/images/1.txt': 'one', 'data/images/2.txt': 'two', 'data/labels.csv': 'id,label\n1,a\n', 'model.bin': 'weights',
  };

  before(async () => {
    assert.equal((await cairn(a.dir, ['init'], a.env)).code, 0);
    writeTree(a.dir, files);
    await track(a.dir, ['data', 'model.bin'], a.env);
    // Absolute, so the clone elsewhere finds the same directory (a relative path is relative to each repo root).
    assert.equal((await cairn(a.dir, ['remote', 'add', '-d', 'origin', store], a.env)).code, 0);
    sh(a.dir, 'git add -A && git commit -qm data', a.env);
  });

  it('pushes every object once, then nothing', async () => {
    const r = await cairn(a.dir, ['push', '--json'], a.env);
    assert.equal(r.code, 0, r.stderr);
    const first = JSON.parse(r.stdout);
    assert.equal(first.transferred, 4);
    assert.equal(first.present, 0);
    assert.equal(objectFiles(store).length, 5, 'four blobs and one tree');
    const again = await cairn(a.dir, ['push'], a.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^0 files pushed \(0 B\), 4 already on remote "origin"/);
  });

  it('a clone pulls the bytes back', async () => {
    sh(path.dirname(b.dir), `rm -rf repo && git clone -q ${a.dir} repo`, b.env);
    const r = await cairn(b.dir, ['pull'], b.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 files fetched/);
    for (const [rel, content] of Object.entries(files)) assert.equal(readFileSync(path.join(b.dir, rel), 'utf8'), content);
    const again = await cairn(b.dir, ['pull', '--json'], b.env);
    assert.equal(JSON.parse(again.stdout).transferred, 0);
  });

  it('after a change only the new objects move', async () => {
    writeFileSync(path.join(a.dir, 'data/images/3.txt'), 'three');
    await track(a.dir, ['data'], a.env);
    sh(a.dir, 'git add -A && git commit -qm more', a.env);
    const r = JSON.parse((await cairn(a.dir, ['push', '--json'], a.env)).stdout);
    assert.equal(r.transferred, 1);
    assert.equal(r.present, 4, 'model.bin and the three files data/ already had');
    sh(b.dir, 'git pull -q', b.env);
    const pulled = JSON.parse((await cairn(b.dir, ['pull', 'data', '--json'], b.env)).stdout);
    assert.equal(pulled.transferred, 1);
    assert.equal(readFileSync(path.join(b.dir, 'data/images/3.txt'), 'utf8'), 'three');
  });

  it('an object corrupted on the remote is named, and reaches neither cache nor workspace', async () => {
    const c = tempGitRepo();
    after(() => c.cleanup());
    sh(path.dirname(c.dir), `rm -rf repo && git clone -q ${a.dir} repo`, c.env);
    const oid = readFileSync(path.join(a.dir, 'model.bin.cairn'), 'utf8').match(/oid: (\w+)/)![1];
    corruptObject(store, oid, 'evil');
    const r = await cairn(c.dir, ['pull'], c.env);
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /model\.bin/);
    assert.match(r.stderr, /does not match its object id/);
    assert.ok(!existsSync(path.join(c.dir, 'model.bin')), 'the workspace did not get the bad file');
    assert.ok(!hasObject(repoCache(c.dir), oid), 'the cache did not get it');
    assert.equal(readFileSync(path.join(c.dir, 'data/labels.csv'), 'utf8'), files['data/labels.csv'], 'good paths were checked out');
    corruptObject(store, oid, 'weights'); // mended for the tests after this one
  });

  it('refuses unknown targets, bad -j and read-only remotes, changing nothing', async () => {
    const before = objectFiles(store).length;
    let r = await cairn(a.dir, ['push', 'nothing-here'], a.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /nothing-here is not tracked by cairn/);
    r = await cairn(a.dir, ['push', '-j', '0'], a.env);
    assert.equal(r.code, 2);
    r = await cairn(a.dir, ['push', '-r', 'origni'], a.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /did you mean "origin"/);
    writeFileSync(path.join(a.dir, 'new.txt'), 'new');
    await track(a.dir, ['new.txt'], a.env);
    assert.equal((await cairn(a.dir, ['remote', 'add', 'ro', store, '-f'], a.env)).code, 0);
    assert.equal((await cairn(a.dir, ['remote', 'modify', 'ro', 'read_only', 'true'], a.env)).code, 0);
    r = await cairn(a.dir, ['push', '-r', 'ro'], a.env);
    assert.equal(r.code, 9);
    assert.match(r.stderr, /remote "ro" .* is read-only/);
    assert.equal(objectFiles(store).length, before);
  });

  it('--run-cache moves run-cache entries and the outputs they name', async () => {
    const oid = readFileSync(path.join(a.dir, 'new.txt.cairn'), 'utf8').match(/oid: (\w+)/)![1];
    const entry = path.join(a.dir, '.cairn/cache/runs/ab/entry.json');
    mkdirSync(path.dirname(entry), { recursive: true });
    writeFileSync(entry, JSON.stringify({ outs: [{ path: 'new.txt', oid }] }));
    const r = await cairn(a.dir, ['push', 'model.bin', '--run-cache', '--json'], a.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).runCache.entries, 1);
    assert.ok(existsSync(path.join(store, 'meta/runs/ab/entry.json')));
    assert.ok(objectFiles(store).includes(oid));
    const p = await cairn(b.dir, ['pull', 'model.bin', '--run-cache', '--json'], b.env);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(JSON.parse(p.stdout).runCache.entries, 1);
    assert.ok(existsSync(path.join(b.dir, '.cairn/cache/runs/ab/entry.json')));
    assert.ok(hasObject(repoCache(b.dir), oid));
  });
});

describe('cairn pull of a large object from a local directory', () => {
  const a = tempGitRepo();
  const b = tempGitRepo();
  const store = path.join(a.dir, '..', 'store');
  after(() => {
    a.cleanup();
    b.cleanup();
  });
  // Above 1 MiB, and not a multiple of the 4 MiB copy chunk: the chunked read-hash-write path with a short last chunk.
  const big = Buffer.alloc(5 * (1 << 20) + 12345);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 13)) & 0xff;
  const cacheEntries = (dir: string) => readdirSync(path.join(dir, '.cairn/cache/objects')).flatMap((p) => readdirSync(path.join(dir, '.cairn/cache/objects', p)));

  before(async () => {
    assert.equal((await cairn(a.dir, ['init'], a.env)).code, 0);
    writeFileSync(path.join(a.dir, 'weights.bin'), big);
    await track(a.dir, ['weights.bin'], a.env);
    assert.equal((await cairn(a.dir, ['remote', 'add', '-d', 'origin', store], a.env)).code, 0);
    sh(a.dir, 'git add -A && git commit -qm data', a.env);
    const r = await cairn(a.dir, ['push'], a.env);
    assert.equal(r.code, 0, r.stderr);
  });

  it('a corrupted copy (same size) is refused and leaves no temp file; the good copy then arrives intact', async () => {
    sh(path.dirname(b.dir), `rm -rf repo && git clone -q ${a.dir} repo`, b.env);
    const oid = readFileSync(path.join(a.dir, 'weights.bin.cairn'), 'utf8').match(/oid: (\w+)/)![1];
    const obj = path.join(store, 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(obj, 0o644);
    const flipped = Buffer.from(big);
    flipped[big.length - 7] ^= 1;
    writeFileSync(obj, flipped);
    const bad = await cairn(b.dir, ['pull'], b.env);
    assert.equal(bad.code, 6, bad.stderr);
    assert.match(bad.stderr, /weights\.bin .*does not match its object id/);
    assert.ok(!existsSync(path.join(b.dir, 'weights.bin')));
    assert.deepEqual(cacheEntries(b.dir), [], 'neither the object nor a temp file is in the cache');

    writeFileSync(obj, big);
    const good = await cairn(b.dir, ['pull', '--json'], b.env);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(JSON.parse(good.stdout).bytes, big.length);
    assert.ok(readFileSync(path.join(b.dir, 'weights.bin')).equals(big));
    assert.deepEqual(cacheEntries(b.dir), [oid.slice(2)]);
  });
});
