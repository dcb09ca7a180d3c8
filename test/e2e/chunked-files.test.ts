// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pseudoRandomBytes } from '../helpers/pseudoRandom.js';
import { chunkLengths } from '../../src/data/chunks/fastcdc.js';
import { CAIRN_BIN, sh, tempDir } from '../helpers/cli.js';
import { cairnRepo, countObjects } from '../helpers/dataRepo.js';
import { startS3rver } from '../helpers/s3rver.js';

const MiB = 1 << 20;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');


/** A copy of `data` with 100 bytes overwritten at each of `at` (fractions of the length). */
function edited(data: Buffer, at: number[]): Buffer {
  const out = Buffer.from(data);
  for (const f of at) out.fill(0x5a, Math.floor(f * data.length), Math.floor(f * data.length) + 100);
  return out;
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const oidOf = (pointerText: string) => /oid: ([0-9a-f]{64})/.exec(pointerText)![1];

async function chunkedRepo() {
  const repo = await cairnRepo();
  assert.equal((await repo.run(['config', 'cache.chunk_threshold', String(4 * MiB)])).code, 0);
  return repo;
}

/** A chunking repo with a directory remote as its default, both removed after the test. */
async function withRemote(t: { after: (fn: () => void) => void }, repoOf: () => ReturnType<typeof cairnRepo> = chunkedRepo) {
  const repo = await repoOf();
  const store = tempDir();
  t.after(() => {
    repo.cleanup();
    store.cleanup();
  });
  assert.equal((await repo.run(['remote', 'add', '-d', 'store', store.dir])).code, 0);
  return { repo, store };
}

describe('chunked storage of large files', () => {
  it('stores a second version with few new objects, and checks out both byte for byte', async (t) => {
    const repo = await chunkedRepo();
    t.after(() => repo.cleanup());
    const cache = path.join(repo.dir, '.cairn', 'cache');
    const v1 = pseudoRandomBytes(24 * MiB, 1);
    const file = path.join(repo.dir, 'model.bin');
    writeFileSync(file, v1);
    const a1 = await repo.run(['add', 'model.bin', '--json']);
    assert.equal(a1.code, 0, a1.stderr);
    const p1 = readFileSync(`${file}.cairn`, 'utf8');
    assert.equal(oidOf(p1), sha(v1), 'the pointer keeps the whole-content SHA-256');
    assert.ok(!existsSync(path.join(cache, 'objects', sha(v1).slice(0, 2), sha(v1).slice(2))), 'no whole copy is stored');
    const after1 = countObjects(cache);
    assert.ok(after1 >= 12, `24 MiB should cut into many ~1 MiB chunks, got ${after1} objects`);

    const v2 = edited(v1, [0.1, 0.5, 0.9]);
    writeFileSync(file, v2);
    assert.equal((await repo.run(['add', 'model.bin'])).code, 0);
    const p2 = readFileSync(`${file}.cairn`, 'utf8');
    const added = countObjects(cache) - after1;
    assert.ok(added >= 2 && added <= 7, `3 edited regions should add a few chunks and a manifest, got ${added} objects`);

    writeFileSync(`${file}.cairn`, p1);
    rmSync(file);
    const c1 = await repo.run(['checkout', 'model.bin']);
    assert.equal(c1.code, 0, c1.stderr);
    assert.equal(sha(readFileSync(file)), sha(v1));
    writeFileSync(`${file}.cairn`, p2);
    assert.equal((await repo.run(['checkout', 'model.bin'])).code, 0);
    assert.equal(sha(readFileSync(file)), sha(v2));
    const status = await repo.run(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /up to date/);
    const fsck = await repo.run(['fsck']);
    assert.equal(fsck.code, 0, fsck.stdout + fsck.stderr);
  });

  it('chunks a file above the threshold but below the 8 MiB read-at-once size too', async (t) => {
    const repo = await chunkedRepo();
    t.after(() => repo.cleanup());
    const cache = path.join(repo.dir, '.cairn', 'cache');
    const data = pseudoRandomBytes(6 * MiB, 10);
    const file = path.join(repo.dir, 'mid.bin');
    writeFileSync(file, data);
    assert.equal((await repo.run(['add', 'mid.bin'])).code, 0);
    assert.ok(existsSync(path.join(cache, 'meta', 'chunked', sha(data).slice(0, 2), sha(data).slice(2))));
    assert.ok(countObjects(cache) >= 4);
    rmSync(file);
    assert.equal((await repo.run(['checkout', 'mid.bin'])).code, 0);
    assert.equal(sha(readFileSync(file)), sha(data));
  });

  it('du shows logical and stored size per path and what chunking saves in the cache', async (t) => {
    const repo = await chunkedRepo();
    t.after(() => repo.cleanup());
    const v1 = pseudoRandomBytes(16 * MiB, 6);
    writeFileSync(path.join(repo.dir, 'a.bin'), v1);
    writeFileSync(path.join(repo.dir, 'b.bin'), edited(v1, [0.5]));
    writeFileSync(path.join(repo.dir, 'small.txt'), 'hello\n');
    assert.equal((await repo.run(['add', 'a.bin', 'b.bin', 'small.txt'])).code, 0);
    const du = await repo.run(['du', '--json']);
    assert.equal(du.code, 0, du.stderr);
    const usage = JSON.parse(du.stdout);
    assert.deepEqual(usage.paths.map((p: { path: string }) => p.path), ['a.bin', 'b.bin', 'small.txt']);
    const a = usage.paths[0];
    assert.equal(a.logical, v1.length);
    assert.ok(a.stored >= v1.length && a.stored < v1.length * 1.01, `a.bin alone is stored once (${a.stored})`);
    assert.equal(usage.paths[2].stored, 6);
    assert.equal(usage.total.logical, 2 * v1.length + 6);
    assert.ok(usage.total.ratio > 1.7, `two versions sharing most chunks dedupe (${usage.total.ratio})`);
    assert.ok(usage.cache.ratio > 1.7 && usage.cache.chunkedFiles === 2);
    const one = JSON.parse((await repo.run(['du', 'b.bin', '--json'])).stdout);
    assert.deepEqual(one.paths.map((p: { path: string }) => p.path), ['b.bin']);
    const text = await repo.run(['du']);
    assert.match(text.stdout, /total \(3 files\)/);
  });

  it('pushes and pulls only the chunks the other side lacks, to a directory remote', async (t) => {
    const { repo, store } = await withRemote(t);
    const v1 = pseudoRandomBytes(24 * MiB, 2);
    const file = path.join(repo.dir, 'data.bin');
    writeFileSync(file, v1);
    assert.equal((await repo.run(['add', 'data.bin'])).code, 0);
    const push1 = JSON.parse((await repo.run(['push', '--json'])).stdout);
    assert.ok(push1.bytes >= v1.length, `the first push sends everything (${push1.bytes})`);
    const p1 = readFileSync(`${file}.cairn`, 'utf8');
    assert.equal(JSON.parse((await repo.run(['status', '-r', '--json'])).stdout).paths[0].state, 'in sync');

    writeFileSync(file, edited(v1, [0.3, 0.7]));
    assert.equal((await repo.run(['add', 'data.bin'])).code, 0);
    const push2 = JSON.parse((await repo.run(['push', '--json'])).stdout);
    assert.equal(push2.transferred, 1);
    assert.ok(push2.bytes > 0 && push2.bytes < 0.35 * v1.length, `a push of 2 edited regions sent ${push2.bytes} bytes`);
    const again = JSON.parse((await repo.run(['push', '--json'])).stdout);
    assert.equal(again.transferred, 0);
    assert.equal(again.bytes, 0);

    // A fresh cache that has version 1 pulls only the new chunks of version 2.
    const p2 = readFileSync(`${file}.cairn`, 'utf8');
    rmSync(path.join(repo.dir, '.cairn', 'cache'), { recursive: true, force: true });
    writeFileSync(`${file}.cairn`, p1);
    rmSync(file);
    const pull1 = JSON.parse((await repo.run(['pull', '--json'])).stdout);
    assert.ok(pull1.bytes >= v1.length, `pull of v1 fetched ${pull1.bytes}`);
    assert.equal(sha(readFileSync(file)), sha(v1));
    writeFileSync(`${file}.cairn`, p2);
    const pull2 = JSON.parse((await repo.run(['pull', '--json'])).stdout);
    assert.ok(pull2.bytes > 0 && pull2.bytes < 0.35 * v1.length, `pull of v2 fetched ${pull2.bytes}`);
    assert.equal(sha(readFileSync(file)), oidOf(p2));
  });

  it('pushes and pulls a file whose last chunk sits in a pack (layout 2 cache)', async (t) => {
    const layout2 = { env: { CAIRN_CACHE_LAYOUT: '2' } };
    const { repo } = await withRemote(t, async () => {
      const r = await cairnRepo();
      rmSync(path.join(r.dir, '.cairn', 'cache'), { recursive: true, force: true });
      assert.equal((await r.run(['config', 'cache.chunk_threshold', String(4 * MiB)], layout2)).code, 0);
      return r;
    });
    // Cut where a chunk ends, plus 1,000 bytes: the last chunk is far below the 64 KiB a pack takes.
    const random = pseudoRandomBytes(12 * MiB, 4);
    const lengths = chunkLengths(random);
    const data = random.subarray(0, lengths.slice(0, -2).reduce((a, b) => a + b, 0) + 1000);
    const file = path.join(repo.dir, 'tail.bin');
    writeFileSync(file, data);
    assert.equal((await repo.run(['add', 'tail.bin'], layout2)).code, 0);
    const cache = path.join(repo.dir, '.cairn', 'cache');
    assert.equal(readFileSync(path.join(cache, 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    const tail = sha(data.subarray(data.length - 1000));
    assert.ok(!existsSync(path.join(cache, 'objects', tail.slice(0, 2), tail.slice(2))), 'the 1,000-byte chunk is packed');

    const push = await repo.run(['push', '--json'], layout2);
    assert.equal(push.code, 0, push.stdout + push.stderr);
    assert.ok(JSON.parse(push.stdout).bytes >= data.length);
    rmSync(cache, { recursive: true, force: true });
    rmSync(file);
    const pull = await repo.run(['pull', '--json'], layout2);
    assert.equal(pull.code, 0, pull.stdout + pull.stderr);
    assert.equal(sha(readFileSync(file)), sha(data));
  });

  it('cairn get reads a chunked file from another repository\'s cache, verified', async (t) => {
    const src = await chunkedRepo();
    const work = tempDir();
    t.after(() => {
      src.cleanup();
      work.cleanup();
    });
    const data = pseudoRandomBytes(12 * MiB, 8);
    writeFileSync(path.join(src.dir, 'm.bin'), data);
    assert.equal((await src.run(['add', 'm.bin'])).code, 0);
    sh(src.dir, 'git add -A && git commit -q -m model', src.env);
    const r = await src.run(['get', src.dir, 'm.bin', '-o', path.join(work.dir, 'copy.bin')], { cwd: work.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sha(readFileSync(path.join(work.dir, 'copy.bin'))), sha(data));
  });

  it('works with a remote that holds the file whole (layout 1), both ways', async (t) => {
    const { repo, store } = await withRemote(t, cairnRepo);
    const cache = path.join(repo.dir, '.cairn', 'cache');
    assert.equal((await repo.run(['config', 'cache.chunk_threshold', '0'])).code, 0);
    const file = path.join(repo.dir, 'old.bin');
    const v1 = pseudoRandomBytes(12 * MiB, 9);
    writeFileSync(file, v1);
    assert.equal((await repo.run(['add', 'old.bin'])).code, 0);
    assert.equal((await repo.run(['push'])).code, 0);
    assert.ok(existsSync(path.join(store.dir, 'objects', sha(v1).slice(0, 2), sha(v1).slice(2))), 'pushed whole');

    // Chunking turned on: a whole object pulled from the remote stays whole, and checks out.
    assert.equal((await repo.run(['config', 'cache.chunk_threshold', String(4 * MiB)])).code, 0);
    rmSync(cache, { recursive: true, force: true });
    rmSync(file);
    assert.equal((await repo.run(['pull'])).code, 0);
    assert.equal(sha(readFileSync(file)), sha(v1));
    assert.ok(existsSync(path.join(cache, 'objects', sha(v1).slice(0, 2), sha(v1).slice(2))));

    // A new version is chunked, pushed as chunks beside the whole old one, and pulls into an empty cache.
    const v2 = edited(v1, [0.5]);
    writeFileSync(file, v2);
    assert.equal((await repo.run(['add', 'old.bin'])).code, 0);
    assert.ok(existsSync(path.join(cache, 'meta', 'chunked', sha(v2).slice(0, 2), sha(v2).slice(2))));
    const push = JSON.parse((await repo.run(['push', '--json'])).stdout);
    assert.equal(push.transferred, 1);
    rmSync(cache, { recursive: true, force: true });
    rmSync(file);
    assert.equal((await repo.run(['pull'])).code, 0);
    assert.equal(sha(readFileSync(file)), sha(v2));
    assert.equal((await repo.run(['fsck'])).code, 0);
  });

  it('sends only new chunks to S3 too, and pulls them back verified (s3rver on 127.0.0.1)', async (t) => {
    const server = await startS3rver();
    const repo = await chunkedRepo();
    t.after(async () => {
      await server.stop();
      repo.cleanup();
    });
    const env = server.env;
    assert.equal((await repo.run(['remote', 'add', '-d', 's3', `s3://${server.bucket}/proj`], { env })).code, 0);
    assert.equal((await repo.run(['remote', 'modify', 's3', 'endpoint_url', server.endpoint], { env })).code, 0);
    const file = path.join(repo.dir, 's3.bin');
    const v1 = pseudoRandomBytes(12 * MiB, 11);
    writeFileSync(file, v1);
    assert.equal((await repo.run(['add', 's3.bin'], { env })).code, 0);
    const first = JSON.parse((await repo.run(['push', '--json'], { env })).stdout);
    assert.ok(first.bytes >= v1.length);
    const v2 = edited(v1, [0.5]);
    writeFileSync(file, v2);
    assert.equal((await repo.run(['add', 's3.bin'], { env })).code, 0);
    const second = JSON.parse((await repo.run(['push', '--json'], { env })).stdout);
    assert.ok(second.bytes > 0 && second.bytes < 0.5 * v1.length, `second push sent ${second.bytes}`);
    assert.equal(JSON.parse((await repo.run(['status', '-r', '--json'], { env })).stdout).paths[0].state, 'in sync');
    rmSync(path.join(repo.dir, '.cairn', 'cache'), { recursive: true, force: true });
    rmSync(file);
    const pull = await repo.run(['pull'], { env });
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(sha(readFileSync(file)), sha(v2));
  });

  it('reports a corrupt chunk as INTEGRITY in fsck and checkout, and repairs by pulling', async (t) => {
    const { repo, store } = await withRemote(t);
    const v1 = pseudoRandomBytes(12 * MiB, 3);
    const file = path.join(repo.dir, 'x.bin');
    writeFileSync(file, v1);
    assert.equal((await repo.run(['add', 'x.bin'])).code, 0);
    assert.equal((await repo.run(['push'])).code, 0);
    const cache = path.join(repo.dir, '.cairn', 'cache');
    // The biggest object is a chunk (the manifest is a few KiB).
    const chunk = files(path.join(cache, 'objects')).sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    chmodSync(chunk, 0o644);
    const bad = readFileSync(chunk);
    bad[10] ^= 0xff;
    writeFileSync(chunk, bad);

    const fsck = await repo.run(['fsck', '--json']);
    assert.equal(fsck.code, 6, fsck.stderr);
    const report = JSON.parse(fsck.stdout);
    assert.equal(report.corrupt.length, 1);
    assert.equal(report.chunked[0].reason, 'corrupt');
    rmSync(file);
    const co = await repo.run(['checkout', 'x.bin', '--json']);
    assert.equal(co.code, 6, co.stdout + co.stderr);
    assert.match(co.stdout + co.stderr, /INTEGRITY|does not match/);
    assert.ok(!existsSync(file), 'a file that fails to assemble never appears');

    assert.equal((await repo.run(['fsck', '--repair'])).code, 6);
    const pull = await repo.run(['pull']);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(sha(readFileSync(file)), sha(v1));
    assert.equal((await repo.run(['fsck'])).code, 0);
  });

  it('gc keeps chunks a live version shares and deletes the rest', async (t) => {
    const repo = await chunkedRepo();
    t.after(() => repo.cleanup());
    const cache = path.join(repo.dir, '.cairn', 'cache');
    const file = path.join(repo.dir, 'w.bin');
    const v1 = pseudoRandomBytes(16 * MiB, 4);
    writeFileSync(file, v1);
    assert.equal((await repo.run(['add', 'w.bin'])).code, 0);
    const withV1 = countObjects(cache);
    const v2 = edited(v1, [0.5]);
    writeFileSync(file, v2);
    assert.equal((await repo.run(['add', 'w.bin'])).code, 0);
    const withBoth = countObjects(cache);
    const gc = await repo.run(['gc', '-w', '--force', '--json']);
    assert.equal(gc.code, 0, gc.stderr);
    const left = countObjects(cache);
    assert.ok(left < withBoth && left >= withV1 - 3, `gc left ${left} of ${withBoth} objects (v1 alone had ${withV1})`);
    assert.ok(!existsSync(path.join(cache, 'meta', 'chunked', sha(v1).slice(0, 2), sha(v1).slice(2))), 'the dead version\'s ref is gone');
    rmSync(file);
    assert.equal((await repo.run(['checkout', 'w.bin'])).code, 0);
    assert.equal(sha(readFileSync(file)), sha(v2));
    assert.equal((await repo.run(['fsck'])).code, 0);
  });

  it('gc --remote keeps the chunks of live files, tombstones dead refs and deletes their own chunks', async (t) => {
    const { repo, store } = await withRemote(t);
    const file = path.join(repo.dir, 'r.bin');
    const v1 = pseudoRandomBytes(16 * MiB, 12);
    writeFileSync(file, v1);
    assert.equal((await repo.run(['add', 'r.bin'])).code, 0);
    assert.equal((await repo.run(['push'])).code, 0);
    const v2 = edited(v1, [0.5]);
    writeFileSync(file, v2);
    assert.equal((await repo.run(['add', 'r.bin'])).code, 0);
    assert.equal((await repo.run(['push'])).code, 0);
    const before = files(path.join(store.dir, 'objects')).length;
    const gc = await repo.run(['gc', '--remote', '-w', '--force', '--json']);
    assert.equal(gc.code, 0, gc.stdout + gc.stderr);
    const report = JSON.parse(gc.stdout);
    assert.ok(report.removed >= 1 && report.removed <= 4, `removed ${report.removed} of ${before}`);
    const deadRef = path.join(store.dir, 'meta', 'chunked', sha(v1).slice(0, 2), sha(v1).slice(2));
    assert.equal(readFileSync(deadRef).length, 0, 'the dead version\'s remote ref is a tombstone');
    rmSync(path.join(repo.dir, '.cairn', 'cache'), { recursive: true, force: true });
    rmSync(file);
    assert.equal((await repo.run(['pull'])).code, 0);
    assert.equal(sha(readFileSync(file)), sha(v2));
  });

  it('a kill -9 during add leaves no ref naming missing chunks', async (t) => {
    const repo = await chunkedRepo();
    t.after(() => repo.cleanup());
    const cache = path.join(repo.dir, '.cairn', 'cache');
    writeFileSync(path.join(repo.dir, 'k.bin'), pseudoRandomBytes(40 * MiB, 5));
    for (const delay of [150, 300, 450, 600]) {
      rmSync(cache, { recursive: true, force: true });
      const child = spawn(process.execPath, [CAIRN_BIN, 'add', 'k.bin'], { cwd: repo.dir, env: repo.env, stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      const fsck = await repo.run(['fsck', '--json']);
      const report = JSON.parse(fsck.stdout);
      assert.deepEqual(report.chunked, [], `after a kill at ${delay} ms: ${JSON.stringify(report.chunked)}`);
      assert.deepEqual(report.corrupt, []);
    }
    rmSync(path.join(repo.dir, 'k.bin.cairn'), { force: true });
    assert.equal((await repo.run(['add', 'k.bin'])).code, 0);
    assert.equal((await repo.run(['fsck'])).code, 0);
  });
});
