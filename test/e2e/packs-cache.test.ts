import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { decodeIndex, findInIndex } from '../../src/data/packs/packFormat.js';
import { CAIRN_BIN, cairn, tempDir, tempGitRepo, testEnv } from '../helpers/cli.js';

const LAYOUT2 = { CAIRN_CACHE_LAYOUT: '2' };

function writeSmallFiles(dir: string, n: number, tag = ''): Record<string, string> {
  const files: Record<string, string> = {};
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const rel = `part-${i % 10}/f${i}.txt`;
    files[rel] = `small file ${i}${tag}\n`;
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), files[rel]);
  }
  return files;
}

const packNames = (cache: string, kind: 'pack' | 'idx') =>
  (existsSync(path.join(cache, 'packs')) ? readdirSync(path.join(cache, 'packs')) : []).filter((f) => f.endsWith(`.${kind}`));
const looseCount = (cache: string) => readdirSync(path.join(cache, 'objects')).reduce((n, p) => n + (p.length === 2 ? readdirSync(path.join(cache, 'objects', p)).length : 0), 0);

describe('layout 2 cache: small objects in packs', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const env = { ...repo.env, ...LAYOUT2 };
  const cache = path.join(repo.dir, '.cairn', 'cache');
  let files: Record<string, string>;

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], env)).code, 0);
    files = writeSmallFiles(path.join(repo.dir, 'data'), 2000);
    writeFileSync(path.join(repo.dir, 'data', 'big.bin'), Buffer.alloc(200 << 10, 7));
    files['big.bin'] = Buffer.alloc(200 << 10, 7).toString('latin1');
  });

  it('adding 2,000 small files writes a few packs, not 2,000 object files', async () => {
    const r = await cairn(repo.dir, ['add', 'data', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(cache, 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    const packs = packNames(cache, 'pack');
    assert.ok(packs.length >= 1 && packs.length <= 8, `${packs.length} packs`);
    assert.equal(packNames(cache, 'idx').length, packs.length, 'every pack has its index');
    // Loose: the large file and the tree object only.
    assert.equal(looseCount(cache), 2);
    const idx = decodeIndex(readFileSync(path.join(cache, 'packs', packNames(cache, 'idx')[0])), 'idx');
    assert.ok(idx.count > 100);
  });

  it('adding the same files again stores nothing new', async () => {
    const before = packNames(cache, 'pack').sort();
    writeFileSync(path.join(repo.dir, 'data', 'part-0', 'new.txt'), 'one new file\n');
    files['part-0/new.txt'] = 'one new file\n';
    const r = await cairn(repo.dir, ['add', 'data', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).added[0].stored, 2, 'the new file and the new tree');
    assert.equal(packNames(cache, 'pack').length, before.length + 1);
  });

  it('checkout copies packed objects out byte for byte, also with cache.link hardlink (falls back to a copy)', async () => {
    for (const link of ['reflink,copy', 'hardlink,copy']) {
      rmSync(path.join(repo.dir, 'data'), { recursive: true, force: true });
      const r = await cairn(repo.dir, ['checkout'], { ...env, CAIRN_CACHE_LINK: link });
      assert.equal(r.code, 0, r.stderr);
      for (const [rel, text] of Object.entries(files)) assert.equal(readFileSync(path.join(repo.dir, 'data', rel), 'latin1'), text, rel);
    }
    const st = await cairn(repo.dir, ['status'], env);
    assert.match(st.stdout, /up to date/);
  });

  it('fsck is clean, then names the pack and the object a flipped byte damaged (exit 6); --repair quarantines the pack', async () => {
    const ok = await cairn(repo.dir, ['fsck', '--json'], env);
    assert.equal(ok.code, 0, ok.stdout);
    const okJson = JSON.parse(ok.stdout);
    assert.ok(okJson.checked >= 2001);
    assert.equal(okJson.packs.damaged.length, 0);
    // Flip a byte of f5.txt's bytes inside its pack.
    const oid = hashBuffer(files['part-5/f5.txt']);
    const name = packNames(cache, 'idx').find((f) => findInIndex(decodeIndex(readFileSync(path.join(cache, 'packs', f)), f), oid))!.replace('.idx', '');
    const hit = findInIndex(decodeIndex(readFileSync(path.join(cache, 'packs', `${name}.idx`)), name), oid)!;
    const packFile = path.join(cache, 'packs', `${name}.pack`);
    chmodSync(packFile, 0o644);
    const bytes = readFileSync(packFile);
    bytes[hit.offset + 2] ^= 0x20;
    writeFileSync(packFile, bytes);
    const bad = await cairn(repo.dir, ['fsck', '--json'], env);
    assert.equal(bad.code, 6);
    const json = JSON.parse(bad.stdout);
    assert.deepEqual(json.packs.damaged.map((d: { pack: string }) => d.pack), [name]);
    assert.match(json.packs.damaged[0].problem, /checksum mismatch/);
    assert.deepEqual(json.corrupt.map((c: { oid: string }) => c.oid), [oid]);
    const text = await cairn(repo.dir, ['fsck'], env);
    assert.match(text.stdout, new RegExp(`damaged pack: packs/${name}\\.pack`));
    const inPack = decodeIndex(readFileSync(path.join(cache, 'packs', `${name}.idx`)), name).count;
    const fix = await cairn(repo.dir, ['fsck', '--repair', '--json'], env);
    assert.equal(fix.code, 6);
    assert.ok(!existsSync(packFile));
    const fixed = JSON.parse(fix.stdout);
    assert.deepEqual(fixed.packs.quarantined.map((q: { file: string }) => q.file), [`packs/${name}.idx`, `packs/${name}.pack`]);
    assert.equal(fixed.packs.salvaged, inPack - 1, 'every intact object of the damaged pack was kept');
    const after = await cairn(repo.dir, ['fsck', '--json'], env);
    assert.equal(after.code, 4, 'the one corrupt object is now missing, to be pulled');
    assert.deepEqual(JSON.parse(after.stdout).missing.map((m: { oid: string }) => m.oid), [oid]);
    assert.equal(JSON.parse(after.stdout).packs.damaged.length, 0);
  });

  it('a damaged index with intact objects: --repair rebuilds the pack in place and loses nothing', async () => {
    // Put f5.txt back (the quarantine above took it), then break one index's checksum.
    writeFileSync(path.join(repo.dir, 'data', 'part-5', 'f5.txt'), files['part-5/f5.txt']);
    assert.equal((await cairn(repo.dir, ['add', 'data'], env)).code, 0);
    const idx = path.join(cache, 'packs', packNames(cache, 'idx').sort()[0]);
    chmodSync(idx, 0o644);
    const bytes = readFileSync(idx);
    bytes[bytes.length - 1] ^= 0x01;
    writeFileSync(idx, bytes);
    const fix = await cairn(repo.dir, ['fsck', '--repair', '--json'], env);
    assert.equal(fix.code, 6, fix.stdout);
    const json = JSON.parse(fix.stdout);
    assert.equal(json.packs.damaged.length, 1);
    assert.deepEqual(json.packs.quarantined, [], 'nothing to quarantine: every object was intact');
    assert.ok(json.packs.salvaged > 0);
    const after = await cairn(repo.dir, ['fsck', '--json'], env);
    assert.equal(after.code, 0, after.stdout);
    assert.deepEqual(JSON.parse(after.stdout).missing, []);
  });
});

describe('layout 2 cache shared by two processes at once', () => {
  const shared = tempDir('cairn-shared-cache-');
  const a = tempGitRepo();
  const b = tempGitRepo();
  after(() => {
    shared.cleanup();
    a.cleanup();
    b.cleanup();
  });

  it('two concurrent `cairn add`s into one cache both succeed and both check out exactly', async () => {
    const env = (r: { env: Record<string, string> }) => ({ ...r.env, ...LAYOUT2, CAIRN_CACHE_DIR: shared.dir });
    for (const r of [a, b]) assert.equal((await cairn(r.dir, ['init'], env(r))).code, 0);
    // Half the files are the same in both repos, so both processes race to store the same objects.
    const own = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([rel, text]) => [`own/${rel}`, text]));
    const fa = { ...writeSmallFiles(path.join(a.dir, 'data'), 1500), ...own(writeSmallFiles(path.join(a.dir, 'data', 'own'), 500, ' of a')) };
    const fb = { ...writeSmallFiles(path.join(b.dir, 'data'), 1500), ...own(writeSmallFiles(path.join(b.dir, 'data', 'own'), 500, ' of b')) };
    const [ra, rb] = await Promise.all([cairn(a.dir, ['add', 'data'], env(a)), cairn(b.dir, ['add', 'data'], env(b))]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    for (const [r, files] of [[a, fa], [b, fb]] as const) {
      rmSync(path.join(r.dir, 'data'), { recursive: true });
      const co = await cairn(r.dir, ['checkout'], env(r));
      assert.equal(co.code, 0, co.stderr);
      for (const [rel, text] of Object.entries(files)) assert.equal(readFileSync(path.join(r.dir, 'data', rel), 'utf8'), text, rel);
      const fsck = await cairn(r.dir, ['fsck', '--json'], env(r));
      assert.equal(fsck.code, 0, fsck.stdout);
    }
  });
});

describe('layout 2: kill -9 during pack writes', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('never leaves an index naming missing bytes; the next add completes and fsck is clean', { timeout: 120_000 }, async () => {
    const env = { ...testEnv(repo.home), ...LAYOUT2 };
    assert.equal((await cairn(repo.dir, ['init'], env)).code, 0);
    const cache = path.join(repo.dir, '.cairn', 'cache');
    let kills = 0;
    for (let round = 0; round < 8; round++) {
      writeSmallFiles(path.join(repo.dir, 'data'), 1200, ` round ${round}`);
      const killed = await new Promise<boolean>((resolve) => {
        const child = spawn(process.execPath, [CAIRN_BIN, 'add', 'data'], { cwd: repo.dir, env, stdio: 'ignore' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 150 + round * 60);
        child.on('exit', (_code, signal) => {
          clearTimeout(timer);
          resolve(signal === 'SIGKILL');
        });
      });
      if (killed) kills++;
      // Whatever the kill interrupted: every index on disk is whole and names bytes its pack holds.
      const fsck = await cairn(repo.dir, ['fsck', '--json'], env);
      const report = JSON.parse(fsck.stdout);
      assert.deepEqual(report.packs.damaged, [], `round ${round}`);
      assert.deepEqual(report.corrupt, [], `round ${round}`);
    }
    assert.ok(kills > 0, 'at least one add was killed mid-way');
    const files = writeSmallFiles(path.join(repo.dir, 'data'), 1200, ' final');
    const add = await cairn(repo.dir, ['add', 'data'], env);
    assert.equal(add.code, 0, add.stderr);
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    assert.equal((await cairn(repo.dir, ['checkout'], env)).code, 0);
    for (const [rel, text] of Object.entries(files)) assert.equal(readFileSync(path.join(repo.dir, 'data', rel), 'utf8'), text);
    assert.equal((await cairn(repo.dir, ['fsck'], env)).code, 0);
    assert.ok(packNames(cache, 'pack').length > 0);
  });
});

describe('the layout of a new cache', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  // Whatever layout the suite's knob asks for: this checks the default itself.
  const env = { ...repo.env };
  delete env.CAIRN_CACHE_LAYOUT;

  it('is layout 2 by default, layout 1 when cache.link asks for hardlinks first, and an existing cache keeps its own', async () => {
    assert.equal((await cairn(repo.dir, ['init'], env)).code, 0);
    writeFileSync(path.join(repo.dir, 'a.txt'), 'a\n');
    assert.equal((await cairn(repo.dir, ['add', 'a.txt'], env)).code, 0);
    const cache = path.join(repo.dir, '.cairn', 'cache');
    assert.equal(readFileSync(path.join(cache, 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    assert.equal(packNames(cache, 'pack').length, 1);

    const linked = path.join(repo.dir, 'linked-cache');
    const withLinks = { ...env, CAIRN_CACHE_DIR: linked, CAIRN_CACHE_LINK: 'hardlink,copy' };
    writeFileSync(path.join(repo.dir, 'b.txt'), 'b\n');
    assert.equal((await cairn(repo.dir, ['add', 'b.txt'], withLinks)).code, 0);
    assert.equal(readFileSync(path.join(linked, 'LAYOUT'), 'utf8'), 'cairn-objects 1\n');
    assert.equal(looseCount(linked), 1);

    // The first cache stays layout 2 even when cache.layout now says 1: only new caches follow the setting.
    writeFileSync(path.join(repo.dir, 'c.txt'), 'c\n');
    assert.equal((await cairn(repo.dir, ['add', 'c.txt'], { ...env, CAIRN_CACHE_LAYOUT: '1' })).code, 0);
    assert.equal(readFileSync(path.join(cache, 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    assert.equal(packNames(cache, 'pack').length, 2);
  });
});
