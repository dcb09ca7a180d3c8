// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sh, tempDir, writeTree } from '../helpers/cli.js';
import { cairnRepo, countObjects } from '../helpers/dataRepo.js';

/** Everything a failed command might have touched: pointers, .gitignore files, cache objects. */
function footprint(dir: string): string {
  return sh(dir, "find . -path ./.git -prune -o \\( -name '*.cairn' -o -name .gitignore \\) -print | sort; find .cairn/cache -type f 2>/dev/null | wc -l");
}

describe('cairn add refuses bad input and changes nothing', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());
  writeTree(repo.dir, { 'data/a': 'a', 'data/b/c': 'c', 'other/x': 'x', 'gitfile.txt': 'in git' });
  sh(repo.dir, 'git add gitfile.txt && git commit -qm gitfile');
  assert.equal((await repo.run(['add', 'data'])).code, 0);
  const outside = tempDir();
  after(() => outside.cleanup());
  writeFileSync(path.join(outside.dir, 'secret'), 'outside');

  const cases: Array<{ name: string; args: string[]; code: number; message: RegExp; cwd?: string; setup?: () => void }> = [
    { name: 'a path that does not exist', args: ['add', 'nope.csv'], code: 4, message: /nope\.csv does not exist/ },
    { name: 'a path outside the repo', args: ['add', path.join(outside.dir, 'secret')], code: 2, message: /outside the repository/ },
    { name: 'a ../ path out of the repo', args: ['add', '../../secret'], code: 2, message: /outside the repository/, cwd: 'other' },
    { name: '.git itself', args: ['add', '.git'], code: 2, message: /Git's own folder \.git/ },
    { name: 'a file inside .cairn', args: ['add', '.cairn/config.toml'], code: 2, message: /inside cairn's or Git's own folder \.cairn/ },
    { name: 'a path inside a tracked folder', args: ['add', 'data/b/c'], code: 5, message: /data\/b\/c is inside data, which cairn already tracks/ },
    { name: 'overlapping paths in one call', args: ['add', 'other', 'other/x'], code: 2, message: /other\/x is inside other, which is also given/ },
    { name: 'a folder that holds a tracked path', args: ['add', '.'], code: 2, message: /repository root itself/ },
    { name: 'a pointer file', args: ['add', 'data.cairn'], code: 2, message: /is a cairn pointer file/ },
    { name: 'a file Git already tracks', args: ['add', 'gitfile.txt'], code: 5, message: /tracked by Git.*git rm -r --cached gitfile\.txt/s },
    { name: 'a glob that matches nothing', args: ['add', '*.parquet'], code: 4, message: /no files match \*\.parquet/ },
    {
      name: 'a symlink leading outside the repo', args: ['add', 'link'], code: 3, message: /symlink link leads outside the repository/,
      setup: () => symlinkSync(path.join(outside.dir, 'secret'), path.join(repo.dir, 'link')),
    },
    {
      name: 'a folder holding a symlink that leads outside', args: ['add', 'linked'], code: 3, message: /leads outside the repository/,
      setup: () => { mkdirSync(path.join(repo.dir, 'linked')); symlinkSync(outside.dir, path.join(repo.dir, 'linked', 'out')); },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      c.setup?.();
      const before = footprint(repo.dir);
      const r = await repo.run(c.args, { cwd: c.cwd ? path.join(repo.dir, c.cwd) : undefined });
      assert.equal(r.code, c.code, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, c.message);
      assert.match(r.stderr, /hint: /);
      assert.equal(footprint(repo.dir), before);
    });
  }

  it('a folder that contains a tracked path', async () => {
    writeTree(repo.dir, { 'outer/inner/f': 'f', 'outer/g': 'g' });
    assert.equal((await repo.run(['add', 'outer/inner'])).code, 0);
    const before = footprint(repo.dir);
    const r = await repo.run(['add', 'outer']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /outer contains outer\/inner, which cairn already tracks/);
    assert.equal(footprint(repo.dir), before);
  });

  it('a second bad path stops the whole call before any pointer is written', async () => {
    writeTree(repo.dir, { 'good/f': 'f' });
    const r = await repo.run(['add', 'good', 'missing']);
    assert.equal(r.code, 4);
    assert.ok(!existsSync(path.join(repo.dir, 'good.cairn')));
  });

  it('--json errors come as {"error": ...} on stdout', async () => {
    const r = await repo.run(['add', 'nope', '--json']);
    assert.equal(r.code, 4);
    assert.equal(JSON.parse(r.stdout).error.code, 'NOT_FOUND');
  });
});

describe('cairn add with a broken cache or disk', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());
  writeTree(repo.dir, { 'data/a': 'a'.repeat(1000), 'data/b': 'b'.repeat(1000) });

  it('a cache.dir below a regular file is a clear error', async () => {
    writeFileSync(path.join(repo.dir, 'plainfile'), 'x');
    const r = await repo.run(['add', 'data'], { env: { CAIRN_CACHE_DIR: path.join(repo.dir, 'plainfile', 'cache') } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cache directory .*plainfile\/cache cannot be created: part of that path is a file/);
    assert.ok(!existsSync(path.join(repo.dir, 'data.cairn')));
  });

  it('no permission to write the cache (an immutable folder) is a PERMISSION error', async (t) => {
    const cache = path.join(repo.dir, 'ro-cache');
    // Prepare a valid cache, then make one prefix folder immutable: even root cannot create files in it.
    assert.equal((await repo.run(['add', 'data'], { env: { CAIRN_CACHE_DIR: cache } })).code, 0);
    sh(repo.dir, 'rm -f data.cairn .gitignore');
    // Every stored object goes, loose files and packs (layout 2) alike, so the next add has to write them all again.
    const objects = sh(cache, 'find objects -type f').trim().split('\n').filter(Boolean);
    for (const o of objects) sh(cache, `chmod u+w ${o} && rm -f ${o}`);
    mkdirSync(path.join(cache, 'packs'), { recursive: true });
    sh(cache, 'rm -f packs/*');
    const frozen = ['objects', 'packs', ...objects.map((o) => path.dirname(o))].map((d) => path.join(cache, d));
    if (spawnSync('chattr', ['+i', ...frozen]).status !== 0) {
      t.skip('chattr +i is not supported here');
      return;
    }
    try {
      const r = await repo.run(['add', 'data'], { env: { CAIRN_CACHE_DIR: cache } });
      assert.equal(r.code, 9, r.stderr);
      assert.match(r.stderr, /could not store data\/[ab]/);
      assert.match(r.stderr, /EPERM|EACCES/);
      assert.ok(!existsSync(path.join(repo.dir, 'data.cairn')));
    } finally {
      spawnSync('chattr', ['-i', ...frozen]);
    }
  });

  it('no space left on the device is a NO_SPACE error and writes no pointer', async (t) => {
    const mnt = path.join(repo.dir, 'tiny');
    mkdirSync(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status !== 0) {
      t.skip('cannot mount a tiny tmpfs here (needs root)');
      return;
    }
    try {
      writeTree(repo.dir, { 'big/blob': Buffer.alloc(300_000, 1) });
      const r = await repo.run(['add', 'big'], { env: { CAIRN_CACHE_DIR: path.join(mnt, 'cache') } });
      assert.equal(r.code, 10, r.stderr);
      assert.match(r.stderr, /ENOSPC/);
      assert.match(r.stderr, /hint: free some space/);
      assert.ok(!existsSync(path.join(repo.dir, 'big.cairn')));
      assert.equal(sh(mnt, 'find . -name "*.tmp-*" | wc -l').trim(), '0', 'no temp file is left behind');
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('a file that changes while it is hashed is named, and no pointer is written', async () => {
    const file = path.join(repo.dir, 'growing', 'log.bin');
    mkdirSync(path.dirname(file));
    writeFileSync(file, Buffer.alloc(48 << 20, 3));
    // A writer appends to the file the whole time cairn reads it.
    const writer = spawn(process.execPath, ['-e', `const fs=require('fs');const f=fs.openSync(${JSON.stringify(file)},'a');for(;;){fs.writeSync(f,'x');}`]);
    try {
      // Start cairn only once the writer is really appending.
      while (statSync(file).size === 48 << 20) await new Promise((r) => setTimeout(r, 20));
      const r = await repo.run(['add', 'growing']);
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /growing\/log\.bin changed while it was being read; nothing was recorded for it/);
      assert.ok(!existsSync(path.join(repo.dir, 'growing.cairn')));
    } finally {
      writer.kill('SIGKILL');
    }
  });
});

describe('a cache shared by two repositories', async () => {
  const shared = tempDir();
  const a = await cairnRepo();
  const b = await cairnRepo();
  after(() => { a.cleanup(); b.cleanup(); shared.cleanup(); });

  it('two adds of the same data at the same time both succeed and store each object once', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`data/d${i % 7}/f${i}`] = `row ${i}\n`.repeat(20);
    writeTree(a.dir, files);
    writeTree(b.dir, files);
    const env = { CAIRN_CACHE_DIR: path.join(shared.dir, 'cache') };
    const [ra, rb] = await Promise.all([a.run(['add', 'data'], { env }), b.run(['add', 'data'], { env })]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal(readFileSync(path.join(a.dir, 'data.cairn'), 'utf8'), readFileSync(path.join(b.dir, 'data.cairn'), 'utf8'));
    assert.equal(countObjects(path.join(shared.dir, 'cache')), 401);
    assert.equal(sh(shared.dir, 'find cache -name "*.tmp-*" | wc -l').trim(), '0');
    const st = await b.run(['status'], { env });
    assert.equal(st.code, 0, st.stdout);
  });
});
