import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempDir, tempGitRepo } from '../helpers/cli.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

const LAYOUT2 = { CAIRN_CACHE_LAYOUT: '2' };

/** A repo with a layout 2 cache: 1,500 small files in data/, three small files tracked one by one, one large file. */
async function packedRepo(env: Record<string, string>, dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 1500; i++) files[`data/p${i % 5}/f${i}.txt`] = `row ${i}\n`;
  for (const name of ['one.txt', 'two.txt', 'three.txt']) files[name] = `the file ${name}\n`;
  files['big.bin'] = 'B'.repeat(300_000);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  assert.equal((await cairn(dir, ['init'], env)).code, 0);
  const add = await cairn(dir, ['add', 'data', 'one.txt', 'two.txt', 'three.txt', 'big.bin'], env);
  assert.equal(add.code, 0, add.stderr);
  return files;
}

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0);

describe('layout 2 remote in a directory: push moves packs, a single-file pull is a ranged read', () => {
  const a = tempGitRepo();
  const remoteDir = tempDir('cairn-packed-remote-');
  let files: Record<string, string>;
  let b: ReturnType<typeof tempGitRepo>;
  after(() => {
    a.cleanup();
    remoteDir.cleanup();
    b?.cleanup();
  });

  before(async () => {
    files = await packedRepo({ ...a.env, ...LAYOUT2 }, a.dir);
    assert.equal((await cairn(a.dir, ['remote', 'add', '-d', 'store', remoteDir.dir], a.env)).code, 0);
    sh(a.dir, 'git add -A && git commit -qm data', a.env);
  });

  it('the first push to an empty remote makes it layout 2 and sends small objects as a few packs', async () => {
    const r = await cairn(a.dir, ['push', '--json'], a.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(remoteDir.dir, 'meta', 'LAYOUT'), 'utf8'), 'cairn-objects 2\n');
    const packs = readdirSync(path.join(remoteDir.dir, 'packs'));
    assert.ok(packs.length >= 2 && packs.length <= 6, packs.join(' '));
    assert.equal(packs.filter((f) => f.endsWith('.pack')).length, packs.filter((f) => f.endsWith('.idx')).length);
    // Loose on the remote: the large file and the tree of data/ only.
    assert.equal(filesIn(path.join(remoteDir.dir, 'objects')), 2);
    const again = await cairn(a.dir, ['push', '--json'], a.env);
    assert.equal(JSON.parse(again.stdout).transferred, 0, 'a second push sends nothing');
    const status = await cairn(a.dir, ['status', '--remote', 'store', '--json'], a.env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /in sync/);
  });

  it('a clone with a layout 1 cache pulls one file by a ranged read, then everything byte for byte', async () => {
    b = tempGitRepo();
    Object.assign(b.env, { CAIRN_CACHE_LAYOUT: '1' });
    sh(b.dir, `git fetch -q ${a.dir} main && git reset -q --hard FETCH_HEAD`, b.env);
    const one = await cairn(b.dir, ['pull', 'one.txt', '--verbose'], b.env);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stderr, /1 object\(s\) by ranged reads/);
    assert.doesNotMatch(one.stderr, /whole pack/);
    assert.equal(readFileSync(path.join(b.dir, 'one.txt'), 'utf8'), files['one.txt']);
    assert.ok(!existsSync(path.join(b.dir, 'two.txt')));
    const all = await cairn(b.dir, ['pull', '--verbose'], b.env);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, /in one download of the whole pack/);
    for (const [rel, text] of Object.entries(files)) assert.equal(readFileSync(path.join(b.dir, rel), 'utf8'), text, rel);
    assert.equal(readFileSync(path.join(b.dir, '.cairn', 'cache', 'LAYOUT'), 'utf8'), 'cairn-objects 1\n', 'the clone keeps its own layout');
    assert.equal((await cairn(b.dir, ['fsck'], b.env)).code, 0);
  });

  it('`cairn get` from a repository whose cache is layout 2 copies packed objects out (no clone kept)', async () => {
    const out = tempDir('cairn-get-packed-');
    after(() => out.cleanup());
    const r = await cairn(out.dir, ['get', a.dir, 'data', '-o', 'got'], a.env);
    assert.equal(r.code, 0, r.stderr);
    for (const [rel, text] of Object.entries(files)) if (rel.startsWith('data/')) assert.equal(readFileSync(path.join(out.dir, 'got', rel.slice(5)), 'utf8'), text);
  });

  it('a layout 1 cache pushes new small files into the layout 2 remote as packs too', async () => {
    writeFileSync(path.join(b.dir, 'four.txt'), 'four\n');
    assert.equal((await cairn(b.dir, ['add', 'four.txt'], b.env)).code, 0);
    const before = readdirSync(path.join(remoteDir.dir, 'packs')).length;
    const r = await cairn(b.dir, ['push', 'four.txt', '--json'], b.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).transferred, 1);
    assert.equal(readdirSync(path.join(remoteDir.dir, 'packs')).length, before + 2);
  });
});

/** A logging proxy in front of s3rver: the server-side record of every request, with its Range header. */
async function loggingProxy(target: string): Promise<{ url: string; log: Array<{ method: string; url: string; range?: string }>; close(): Promise<void> }> {
  const log: Array<{ method: string; url: string; range?: string }> = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    log.push({ method: req.method!, url: req.url!, ...(req.headers.range ? { range: String(req.headers.range) } : {}) });
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, log, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('layout 2 remote on S3 (s3rver): packs up, ranged GETs down', () => {
  let server: S3rverHandle;
  let proxy: Awaited<ReturnType<typeof loggingProxy>>;
  const a = tempGitRepo();
  const b = tempGitRepo();
  let files: Record<string, string>;
  before(async () => {
    server = await startS3rver();
    proxy = await loggingProxy(server.endpoint);
  });
  after(async () => {
    await proxy.close();
    await server.stop();
    a.cleanup();
    b.cleanup();
  });

  it('push sends a few pack PUTs instead of 1,500; pulling one file is one ranged GET', async () => {
    const envA = { ...a.env, ...server.env, ...LAYOUT2 };
    files = await packedRepo(envA, a.dir);
    assert.equal((await cairn(a.dir, ['remote', 'add', '-d', 's3', `s3://${server.bucket}/proj`], envA)).code, 0);
    assert.equal((await cairn(a.dir, ['remote', 'modify', 's3', 'endpoint_url', proxy.url], envA)).code, 0);
    sh(a.dir, 'git add -A && git commit -qm data', envA);
    const push = await cairn(a.dir, ['push'], envA);
    assert.equal(push.code, 0, push.stderr);
    const puts = proxy.log.filter((r) => r.method === 'PUT');
    assert.ok(puts.length <= 12, `${puts.length} PUTs: ${puts.map((p) => p.url).join(' ')}`);
    assert.ok(puts.some((p) => /\/proj\/packs\/[0-9a-f]{64}\.pack/.test(p.url)));
    assert.ok(puts.some((p) => /\/proj\/meta\/LAYOUT/.test(p.url)));

    const envB = { ...b.env, ...server.env };
    sh(b.dir, `git fetch -q ${a.dir} main && git reset -q --hard FETCH_HEAD`, envB);
    proxy.log.length = 0;
    const one = await cairn(b.dir, ['pull', 'two.txt'], envB);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(readFileSync(path.join(b.dir, 'two.txt'), 'utf8'), files['two.txt']);
    const packGets = proxy.log.filter((r) => r.method === 'GET' && /\/packs\/[0-9a-f]{64}\.pack/.test(r.url));
    assert.equal(packGets.length, 1, JSON.stringify(proxy.log));
    assert.match(packGets[0].range ?? '', /^bytes=\d+-\d+$/);
    const [from, to] = packGets[0].range!.slice(6).split('-').map(Number);
    assert.equal(to - from + 1, Buffer.byteLength(files['two.txt']), 'the range covers exactly the file');

    const all = await cairn(b.dir, ['pull'], envB);
    assert.equal(all.code, 0, all.stderr);
    for (const [rel, text] of Object.entries(files)) assert.equal(readFileSync(path.join(b.dir, rel), 'utf8'), text, rel);
  });
});
