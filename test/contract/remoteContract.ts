/**
 * The one contract every Remote backend passes. A backend's test file calls
 * `runRemoteContract('s3', async ({ readOnly }) => ({ remote, cleanup, seed }))`; every case gets a fresh, empty
 * remote from `makeRemote` and calls `cleanup` after it.
 *
 * Read-only backends (HTTP) return a remote with `readOnly: true` and a `seed(oid, bytes)` / `seedMeta(key, bytes)`
 * that writes through a side channel (the served directory); the suite then checks reads through the remote and that
 * every write is refused. Writable backends get the read-only cases through `makeRemote({ readOnly: true })`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import type { Remote } from '../../src/remote/remote.js';

export interface ContractFixture {
  remote: Remote;
  cleanup(): Promise<void>;
  /** Puts an object on the remote without going through it (required when the remote is read-only). */
  seed?(oid: string, data: Buffer): Promise<void>;
  seedMeta?(key: string, data: Buffer): Promise<void>;
  /** Puts a pack file (`packs/<file>`) on the remote without going through it. */
  seedPack?(file: string, data: Buffer): Promise<void>;
}

export type MakeRemote = (options: { readOnly?: boolean }) => Promise<ContractFixture>;

export interface ContractOptions {
  /** Size of the big-file case in bytes (default 20 MiB: above the S3 multipart part size). */
  bigFileSize?: number;
  /**
   * Set, with the reason, when the TEST SERVER itself writes objects in place (so it can show a half-written object
   * however the client uploads): the "never appears partially written" case then checks only the final bytes.
   */
  serverWritesInPlace?: string;
}

export function oidOf(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function hashStream(stream: Readable): Promise<{ oid: string; size: number; maxChunk: number }> {
  const hash = createHash('sha256');
  let size = 0;
  let maxChunk = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    maxChunk = Math.max(maxChunk, (chunk as Buffer).length);
  }
  return { oid: hash.digest('hex'), size, maxChunk };
}

async function collect(iter: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of iter) out.push(x);
  return out.sort();
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CairnError, `expected a CairnError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

export function runRemoteContract(name: string, makeRemote: MakeRemote, options: ContractOptions = {}): void {
  const scratch = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-contract-'));
    return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
  };
  const sample = (n = 1000) => {
    const data = randomBytes(n);
    return { data, oid: oidOf(data) };
  };

  /** Runs a case with a fresh remote; `put` writes through the remote, or through `seed` when it is read-only. */
  const withRemote = (title: string, fn: (f: ContractFixture, put: (data: Buffer) => Promise<string>, tmp: string) => Promise<void>, opts: { writable?: boolean; readOnly?: boolean } = {}) =>
    it(title, async (t) => {
      const fixture = await makeRemote({ readOnly: opts.readOnly });
      if (opts.writable && fixture.remote.readOnly) {
        await fixture.cleanup();
        t.skip('read-only backend');
        return;
      }
      const s = scratch();
      const put = async (data: Buffer) => {
        const oid = oidOf(data);
        if (fixture.remote.readOnly) {
          assert.ok(fixture.seed, 'a read-only backend must give the contract a seed()');
          await fixture.seed(oid, data);
        } else {
          const file = path.join(s.dir, oid);
          writeFileSync(file, data);
          await fixture.remote.upload(oid, file, data.length);
        }
        return oid;
      };
      try {
        await fn(fixture, put, s.dir);
      } finally {
        await fixture.remote.close();
        await fixture.cleanup();
        s.done();
      }
    });

  describe(`Remote contract: ${name}`, () => {
    withRemote('an empty remote has no objects and lists nothing', async ({ remote }) => {
      const { oid } = sample();
      assert.deepEqual([...(await remote.exists([oid]))], []);
      assert.deepEqual(await collect(remote.list()), []);
      assert.deepEqual(await remote.listMeta(''), []);
      assert.equal(await remote.getMeta('runs/nothing.json'), null);
    });

    withRemote('an uploaded object exists, lists, and downloads byte for byte', async ({ remote }, put) => {
      const a = sample(1234);
      const b = sample(0);
      const missing = sample();
      await put(a.data);
      await put(b.data);
      assert.deepEqual([...(await remote.exists([a.oid, b.oid, missing.oid]))].sort(), [a.oid, b.oid].sort());
      assert.deepEqual(await collect(remote.list()), [a.oid, b.oid].sort());
      assert.deepEqual(await readAll(await remote.download(a.oid)), a.data);
      assert.equal((await readAll(await remote.download(b.oid))).length, 0);
    });

    withRemote('existence of many objects is answered in one call (batched listing)', async ({ remote }, put) => {
      const present: string[] = [];
      for (let i = 0; i < 300; i++) present.push(await put(Buffer.from(`object ${i}`)));
      const absent = Array.from({ length: 300 }, (_, i) => oidOf(Buffer.from(`absent ${i}`)));
      const found = await remote.exists([...absent, ...present]);
      assert.equal(found.size, present.length);
      for (const oid of present) assert.ok(found.has(oid));
    });

    withRemote('downloading a missing object is a clear NOT_FOUND naming the object', async ({ remote }) => {
      const { oid } = sample();
      await rejectsWith(remote.download(oid), 'NOT_FOUND', new RegExp(oid));
    });

    withRemote('removing objects deletes exactly those', async ({ remote }, put) => {
      const a = await put(Buffer.from('keep me'));
      const b = await put(Buffer.from('remove me'));
      await remote.remove([b, oidOf(Buffer.from('never there'))]);
      assert.deepEqual(await collect(remote.list()), [a]);
      assert.deepEqual([...(await remote.exists([a, b]))], [a]);
    }, { writable: true });

    withRemote('re-uploading an object is harmless', async ({ remote }, put) => {
      const { data, oid } = sample();
      await put(data);
      await put(data);
      assert.deepEqual(await collect(remote.list()), [oid]);
      assert.deepEqual(await readAll(await remote.download(oid)), data);
    }, { writable: true });

    withRemote('metadata files round-trip and list by prefix', async ({ remote }) => {
      await remote.putMeta('runs/ab/one.json', Buffer.from('{"a":1}'));
      await remote.putMeta('runs/cd/two.json', Buffer.from('{"b":2}'));
      await remote.putMeta('other/x', Buffer.from('x'));
      await remote.putMeta('runs/ab/one.json', Buffer.from('{"a":3}'));
      assert.equal((await remote.getMeta('runs/ab/one.json'))?.toString(), '{"a":3}');
      assert.deepEqual(await remote.listMeta('runs/'), ['runs/ab/one.json', 'runs/cd/two.json']);
      assert.deepEqual((await remote.listMeta('')).sort(), ['other/x', 'runs/ab/one.json', 'runs/cd/two.json']);
      assert.equal(await remote.getMeta('runs/none.json'), null);
      // Metadata never shows up as an object.
      assert.deepEqual(await collect(remote.list()), []);
    }, { writable: true });

    withRemote('a failed upload leaves nothing under the final name', async ({ remote }, _put, tmp) => {
      const { oid } = sample();
      await assert.rejects(remote.upload(oid, path.join(tmp, 'does-not-exist'), 1000));
      assert.deepEqual([...(await remote.exists([oid]))], []);
      assert.deepEqual(await collect(remote.list()), []);
    }, { writable: true });

    withRemote('an object never appears partially written while it uploads', async ({ remote }, _put, tmp) => {
      const size = options.bigFileSize ?? 20 * 1024 * 1024;
      const file = path.join(tmp, 'big');
      const hash = createHash('sha256');
      await new Promise<void>((resolve, reject) => {
        const out = createWriteStream(file);
        out.on('error', reject);
        for (let done = 0; done < size; done += 1 << 20) {
          const chunk = randomBytes(Math.min(1 << 20, size - done));
          hash.update(chunk);
          out.write(chunk);
        }
        out.end(resolve);
      });
      const oid = hash.digest('hex');
      let finished = false;
      let sawEarly = 0;
      const upload = remote.upload(oid, file, size).finally(() => (finished = true));
      while (!finished && !options.serverWritesInPlace) {
        if ((await remote.exists([oid])).has(oid) && !finished) {
          // Visible before upload() returned: it must already be complete.
          const got = await hashStream(await remote.download(oid));
          assert.equal(got.oid, oid);
          sawEarly++;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await upload;
      const got = await hashStream(await remote.download(oid));
      assert.equal(got.size, size, `downloaded ${got.size} of ${size} bytes (${sawEarly} early sightings)`);
      assert.equal(got.oid, oid);
      // Streamed, not handed over as one buffer.
      assert.ok(got.maxChunk < size, 'download arrives as a stream of chunks');
    }, { writable: true });

    /** Uploads (or, read-only, seeds) a pack file named for its content, as the pack writer names packs. */
    const putPack = async (f: ContractFixture, tmp: string, data: Buffer, kind: 'pack' | 'idx' = 'pack'): Promise<string> => {
      const file = `${oidOf(data)}.${kind}`;
      if (f.remote.readOnly) {
        assert.ok(f.seedPack, 'a read-only backend must give the contract a seedPack()');
        await f.seedPack(file, data);
      } else {
        writeFileSync(path.join(tmp, file), data);
        await f.remote.uploadPack(file, path.join(tmp, file), data.length);
      }
      return file;
    };

    withRemote('pack files list, and read whole or by byte range (a ranged read returns exactly those bytes)', async (f, _put, tmp) => {
      const { remote } = f;
      assert.deepEqual(await remote.listPacks(), []);
      const data = randomBytes(300_000);
      const pack = await putPack(f, tmp, data);
      const idx = await putPack(f, tmp, Buffer.from('index bytes'), 'idx');
      assert.deepEqual((await remote.listPacks()).sort(), [idx, pack].sort());
      assert.deepEqual(await readAll(await remote.downloadPack(pack)), data);
      assert.deepEqual(await readAll(await remote.downloadPack(pack, { range: { offset: 1000, length: 4096 } })), data.subarray(1000, 5096));
      assert.deepEqual(await readAll(await remote.downloadPack(pack, { range: { offset: 0, length: 1 } })), data.subarray(0, 1));
      assert.deepEqual(await readAll(await remote.downloadPack(pack, { range: { offset: data.length - 7, length: 7 } })), data.subarray(-7));
      assert.equal((await readAll(await remote.downloadPack(pack, { range: { offset: 5, length: 0 } }))).length, 0);
      // Pack files are not objects, and a missing one is a clear NOT_FOUND.
      assert.deepEqual(await collect(remote.list()), []);
      const absent = `${oidOf(Buffer.from('absent'))}.pack`;
      await rejectsWith(remote.downloadPack(absent), 'NOT_FOUND', new RegExp(absent));
      await rejectsWith(remote.downloadPack('../objects/evil.pack'), 'INVALID');
    });

    withRemote('pack files upload atomically, re-upload harmlessly, and remove exactly those named', async ({ remote }, _put, tmp) => {
      const a = randomBytes(2000);
      const b = randomBytes(3000);
      const up = async (data: Buffer) => {
        const file = `${oidOf(data)}.pack`;
        writeFileSync(path.join(tmp, file), data);
        await remote.uploadPack(file, path.join(tmp, file), data.length);
        return file;
      };
      const fa = await up(a);
      const fb = await up(b);
      await up(b);
      assert.deepEqual((await remote.listPacks()).sort(), [fa, fb].sort());
      await assert.rejects(remote.uploadPack(`${oidOf(Buffer.from('x'))}.pack`, path.join(tmp, 'does-not-exist'), 1));
      await rejectsWith(remote.uploadPack('not-a-pack.txt', path.join(tmp, fa), a.length), 'INVALID');
      assert.deepEqual((await remote.listPacks()).sort(), [fa, fb].sort(), 'a failed upload leaves nothing behind');
      await remote.removePacks([fb, `${oidOf(Buffer.from('never there'))}.idx`]);
      assert.deepEqual(await remote.listPacks(), [fa]);
      assert.deepEqual(await readAll(await remote.downloadPack(fa, { range: { offset: 10, length: 20 } })), a.subarray(10, 30));
    }, { writable: true });

    withRemote('a read-only remote refuses pack writes too', async (f, _put, tmp) => {
      const data = randomBytes(100);
      const file = `${oidOf(data)}.pack`;
      writeFileSync(path.join(tmp, file), data);
      await rejectsWith(f.remote.uploadPack(file, path.join(tmp, file), data.length), 'PERMISSION', /read-only/);
      await rejectsWith(f.remote.removePacks([file]), 'PERMISSION', /read-only/);
      assert.deepEqual(await f.remote.listPacks(), []);
    }, { readOnly: true });

    withRemote('a read-only remote refuses every write with a clear error and changes nothing', async ({ remote, seed }, _put, tmp) => {
      assert.equal(remote.readOnly, true);
      const { data, oid } = sample();
      const file = path.join(tmp, 'f');
      writeFileSync(file, data);
      await rejectsWith(remote.upload(oid, file, data.length), 'PERMISSION', /read-only/);
      await rejectsWith(remote.putMeta('runs/x.json', Buffer.from('{}')), 'PERMISSION', /read-only/);
      assert.deepEqual([...(await remote.exists([oid]))], []);
      if (seed) {
        await seed(oid, data);
        await rejectsWith(remote.remove([oid]), 'PERMISSION', /read-only/);
        assert.deepEqual(await readAll(await remote.download(oid)), data);
      }
    }, { readOnly: true });
  });
}
