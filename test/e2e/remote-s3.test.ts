// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { track } from '../helpers/track.js';

/** Object files s3rver holds for a bucket (its filesystem store keeps each object as `<key>._S3rver_object`). */
function storedObjects(server: S3rverHandle): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      // Loose objects (layout 1) and packs (layout 2) are both what the server stores of cairn's objects.
      else if (name.endsWith('._S3rver_object') && /[\\/](objects|packs)[\\/]/.test(full)) out.push(full);
    }
  };
  walk(path.join(server.dir, server.bucket));
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('cairn push / pull through S3 (s3rver on 127.0.0.1)', () => {
  let server: S3rverHandle;
  const a = tempGitRepo();
  const b = tempGitRepo();
  const files: Record<string, string | Buffer> = {
    'data/x.txt': 'x-content', 'data/deep/y.bin': randomBytes(20_000), 'big.bin': randomBytes(11 * 1024 * 1024),
  };
  let envA: Record<string, string>;
  let envB: Record<string, string>;

  before(async () => {
    server = await startS3rver();
    envA = { ...a.env, ...server.env };
    envB = { ...b.env, ...server.env };
    assert.equal((await cairn(a.dir, ['init'], envA)).code, 0);
    writeTree(a.dir, files);
    await track(a.dir, ['data', 'big.bin'], envA);
    assert.equal((await cairn(a.dir, ['remote', 'add', '-d', 's3', `s3://${server.bucket}/proj`], envA)).code, 0);
    assert.equal((await cairn(a.dir, ['remote', 'modify', 's3', 'endpoint_url', server.endpoint], envA)).code, 0);
    sh(a.dir, 'git add -A && git commit -qm data', envA);
  });
  after(async () => {
    await server.stop();
    a.cleanup();
    b.cleanup();
  });

  it('two clones exchange data (credentials from AWS_* variables, the big file in parts)', async () => {
    const r = await cairn(a.dir, ['push', '--json'], envA);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).transferred, 3);
    assert.equal(JSON.parse((await cairn(a.dir, ['push', '--json'], envA)).stdout).transferred, 0);
    sh(path.dirname(b.dir), `rm -rf repo && git clone -q ${a.dir} repo`, envB);
    const p = await cairn(b.dir, ['pull'], envB);
    assert.equal(p.code, 0, p.stderr);
    for (const [rel, content] of Object.entries(files)) assert.deepEqual(readFileSync(path.join(b.dir, rel)), Buffer.from(content));
  });

  // s3rver checks the access key id but not V4 signatures, so the wrong credential here is the key id.
  it('wrong credentials are an AUTH error naming the remote, with the secret redacted', async () => {
    const r = await cairn(a.dir, ['push', '--json'], { ...envA, AWS_ACCESS_KEY_ID: 'NOTAKEY', AWS_SECRET_ACCESS_KEY: 'wrong-secret-value' });
    assert.equal(r.code, 8, r.stdout + r.stderr);
    const error = JSON.parse(r.stdout).error;
    assert.equal(error.code, 'AUTH');
    assert.match(error.message, /remote "s3"/);
    assert.doesNotMatch(r.stdout + r.stderr, /wrong-secret-value/);
  });

  it('a missing bucket is NOT_FOUND; an unreachable endpoint is a REMOTE error', async () => {
    const added = await cairn(a.dir, ['remote', 'add', 'nobucket', 's3://no-such-bucket/x'], envA);
    assert.equal(added.code, 0, added.stderr);
    assert.equal((await cairn(a.dir, ['remote', 'modify', 'nobucket', 'endpoint_url', server.endpoint], envA)).code, 0);
    let r = await cairn(a.dir, ['push', '-r', 'nobucket'], envA);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /bucket "no-such-bucket" does not exist/);
    const port = await freePort();
    assert.equal((await cairn(a.dir, ['remote', 'add', 'down', `s3://${server.bucket}/x`], envA)).code, 0);
    assert.equal((await cairn(a.dir, ['remote', 'modify', 'down', 'endpoint_url', `http://127.0.0.1:${port}`], envA)).code, 0);
    assert.equal((await cairn(a.dir, ['remote', 'modify', 'down', 'retries', '1'], envA)).code, 0);
    r = await cairn(a.dir, ['push', '-r', 'down'], envA);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /remote "down".*could not reach/);
  });

  it('an object corrupted on the server is reported by name and never stored', async () => {
    const c = tempGitRepo();
    after(() => c.cleanup());
    const envC = { ...c.env, ...server.env };
    sh(path.dirname(c.dir), `rm -rf repo && git clone -q ${a.dir} repo`, envC);
    const oid = readFileSync(path.join(a.dir, 'data.cairn'), 'utf8').match(/oid: (\w+)/)![1];
    void oid;
    // The bytes of data/x.txt, in a loose object or inside a pack: same length, different bytes.
    const target = storedObjects(server).find((f) => readFileSync(f).includes('x-content'))!;
    assert.ok(target, 'found the stored object of data/x.txt');
    const good = readFileSync(target);
    const at = good.indexOf('x-content');
    writeFileSync(target, Buffer.concat([good.subarray(0, at), Buffer.from('y'), good.subarray(at + 1)]));
    const r = await cairn(c.dir, ['pull', 'data'], envC);
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /data\/x\.txt/);
    assert.ok(!existsSync(path.join(c.dir, 'data/x.txt')));
    writeFileSync(target, good);
  });

  it('the server dying mid-push is a REMOTE error; after a restart only what is missing is sent', async () => {
    const d = tempGitRepo();
    after(() => d.cleanup());
    const envD = { ...d.env, ...server.env };
    assert.equal((await cairn(d.dir, ['init'], envD)).code, 0);
    const many: Record<string, Buffer> = {};
    for (let i = 0; i < 150; i++) many[`set/f${i}.bin`] = randomBytes(64 * 1024);
    writeTree(d.dir, many);
    await track(d.dir, ['set'], envD);
    assert.equal((await cairn(d.dir, ['remote', 'add', '-d', 's3', `s3://${server.bucket}/crash`], envD)).code, 0);
    assert.equal((await cairn(d.dir, ['remote', 'modify', 's3', 'endpoint_url', server.endpoint], envD)).code, 0);
    assert.equal((await cairn(d.dir, ['remote', 'modify', 's3', 'retries', '1'], envD)).code, 0);
    const before = storedObjects(server).length;
    const pushing = cairn(d.dir, ['push', '-j', '2'], envD);
    while (storedObjects(server).length < before + 10) await new Promise((r) => setTimeout(r, 20));
    await server.kill();
    const r = await pushing;
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /remote "s3"/);
    assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning/, 'failed requests and retries leave no listeners behind');
    const landed = storedObjects(server).length - before;
    assert.ok(landed > 0 && landed < 150, `${landed} objects landed before the crash`);
    await server.restart();
    // The crash push was made to fail fast (retries 1); the re-run gets the usual retries, so a slow answer from the
    // restarted server on a loaded machine is retried, not reported.
    assert.equal((await cairn(d.dir, ['remote', 'modify', 's3', 'retries', '5'], envD)).code, 0);
    const again = await cairn(d.dir, ['push', '--json'], envD);
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
    assert.doesNotMatch(again.stderr, /MaxListenersExceededWarning/);
    const out = JSON.parse(again.stdout);
    assert.ok(out.present >= landed - 2, `re-run found ${out.present} already there (${landed} landed)`);
    assert.equal(out.transferred + out.present, 150);
    assert.equal(storedObjects(server).length - before, 151, 'every blob and then the tree');
  });
});
