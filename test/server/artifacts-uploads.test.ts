import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ARTIFACTS, objectsIn, raw } from './artifactsHttp.js';

const MPU = '/api/2.0/mlflow-artifacts/mpu';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const objects = (server: TestServer) => objectsIn(path.join(server.dir, 'artifacts'));
const spooled = (server: TestServer) => readdirSync(path.join(server.dir, 'spool'));
const post = (server: TestServer, route: string, body: unknown) =>
  fetch(new URL(`${MPU}/${route}`, server.url), { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

test('a multipart upload larger than one part: create, PUT each part to its URL, complete; the parts are cleaned up', async (t) => {
  const server = await startTestServer(t);
  const parts = [randomBytes(300_000), randomBytes(300_000), randomBytes(123_457)];
  const whole = Buffer.concat(parts);
  const create = await post(server, 'create/1/big/model.bin', { path: '/tmp/model.bin', num_parts: 3 });
  assert.equal(create.status, 200);
  const created = (await create.json()) as { upload_id: string; credentials: Array<{ url: string; part_number: number; headers: object }> };
  assert.match(created.upload_id, /^[0-9a-f]{32}$/);
  assert.deepEqual(created.credentials.map((c) => c.part_number), [1, 2, 3]);
  assert.equal(created.credentials[0].url, `${server.url.replace(/\/$/, '')}${MPU}/upload/1/big/model.bin?upload_id=${created.upload_id}&part_number=1`);
  assert.deepEqual(created.credentials[0].headers, {});

  // Parts in any order, as MLflow's thread pool sends them; no token needed on a part URL.
  const etags: string[] = [];
  for (const i of [2, 0, 1]) {
    const res = await fetch(created.credentials[i].url, { method: 'PUT', body: parts[i] });
    assert.equal(res.status, 200, await res.clone().text());
    etags[i] = res.headers.get('etag') ?? '';
    assert.equal(etags[i], `"${sha(parts[i])}"`);
  }
  assert.equal(objects(server).length, 3, 'each part is an object until the upload completes');
  assert.equal((await fetch(new URL(`${ARTIFACTS}/1/big/model.bin`, server.url))).status, 404, 'nothing is visible before completion');

  const complete = await post(server, 'complete/1/big/model.bin', { path: '/tmp/model.bin', upload_id: created.upload_id, parts: etags.map((etag, i) => ({ part_number: i + 1, etag, url: created.credentials[i].url })) });
  assert.equal(complete.status, 200, await complete.clone().text());
  assert.deepEqual(await complete.json(), {});
  const got = await fetch(new URL(`${ARTIFACTS}/1/big/model.bin`, server.url));
  assert.equal(got.headers.get('content-length'), String(whole.length));
  assert.equal(sha(Buffer.from(await got.arrayBuffer())), sha(whole));
  assert.deepEqual(objects(server), [sha(whole)], 'the part objects went once the file was stored');
  assert.deepEqual(await server.backend.sql.all('SELECT * FROM artifact_uploads'), []);
  assert.deepEqual(await server.backend.sql.all('SELECT * FROM artifact_upload_parts'), []);
  const late = await fetch(created.credentials[0].url, { method: 'PUT', body: parts[0] });
  assert.equal(late.status, 404, 'a completed upload takes no more parts');
});

test('behind a proxy, part URLs point at the proxy\'s origin (X-Forwarded-Proto / -Host), under the API root called', async (t) => {
  const server = await startTestServer(t);
  const res = await fetch(new URL('/ajax-api/2.0/mlflow-artifacts/mpu/create/m.bin', server.url), {
    method: 'POST', body: JSON.stringify({ path: 'm.bin', num_parts: 1 }), headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'cairn.example.com' },
  });
  const { upload_id, credentials } = (await res.json()) as { upload_id: string; credentials: Array<{ url: string }> };
  assert.equal(credentials[0].url, `https://cairn.example.com/ajax-api/2.0/mlflow-artifacts/mpu/upload/m.bin?upload_id=${upload_id}&part_number=1`);
});

test('complete checks the part list: order, parts never uploaded, ETags of other bytes, the path of the upload', async (t) => {
  const server = await startTestServer(t);
  const created = (await (await post(server, 'create/x/f.bin', { path: 'f.bin', num_parts: 2 })).json()) as { upload_id: string; credentials: Array<{ url: string }> };
  const e1 = (await fetch(created.credentials[0].url, { method: 'PUT', body: 'one' })).headers.get('etag');
  const e2 = (await fetch(created.credentials[1].url, { method: 'PUT', body: 'two' })).headers.get('etag');
  const tries: Array<[unknown, RegExp]> = [
    [[{ part_number: 2, etag: e2 }, { part_number: 1, etag: e1 }], /ascending/],
    [[{ part_number: 1, etag: e2 }], /not the part that was uploaded/],
    [[{ part_number: 1, etag: e1 }, { part_number: 2, etag: e2 }, { part_number: 3, etag: 'x' }], /never uploaded/],
    [[], /at least one part/],
  ];
  for (const [parts, why] of tries) {
    const res = await post(server, 'complete/x/f.bin', { path: 'f.bin', upload_id: created.upload_id, parts });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error_code: string; message: string };
    assert.equal(body.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(body.message, why);
  }
  const elsewhere = await post(server, 'complete/y/f.bin', { path: 'f.bin', upload_id: created.upload_id, parts: [{ part_number: 1, etag: e1 }] });
  assert.match(((await elsewhere.json()) as { message: string }).message, /is for "x\/f\.bin"/);
  const outOfRange = await raw(server.url, { method: 'PUT', path: `${MPU}/upload/x/f.bin?upload_id=${created.upload_id}&part_number=3`, body: 'three' });
  assert.equal(outOfRange.status, 400);
  assert.match(outOfRange.json().message, /part_number must be from 1 to 2/);
  const unknown = await post(server, 'complete/x/f.bin', { path: 'f.bin', upload_id: 'f'.repeat(32), parts: [{ part_number: 1, etag: e1 }] });
  assert.equal(unknown.status, 404);
  assert.equal((await post(server, 'create/x/g.bin', { path: 'g', num_parts: 0 })).status, 400);
  assert.equal((await post(server, 'create/x/g.bin', { path: 'g', num_parts: 10_001 })).status, 400);

  // Only the listed parts make the file (S3's rule): part 2 is dropped.
  const ok = await post(server, 'complete/x/f.bin', { path: 'f.bin', upload_id: created.upload_id, parts: [{ part_number: 1, etag: e1 }] });
  assert.equal(ok.status, 200);
  assert.equal(await (await fetch(new URL(`${ARTIFACTS}/x/f.bin`, server.url))).text(), 'one');
  assert.equal(objects(server).length, 1, 'the unlisted part went too');
});

test('abort removes the parts, unless another file holds the same bytes', async (t) => {
  const server = await startTestServer(t);
  await fetch(new URL(`${ARTIFACTS}/kept.txt`, server.url), { method: 'PUT', body: 'shared' });
  const created = (await (await post(server, 'create/a/b.bin', { path: 'b', num_parts: 2 })).json()) as { upload_id: string; credentials: Array<{ url: string }> };
  await fetch(created.credentials[0].url, { method: 'PUT', body: 'shared' });
  await fetch(created.credentials[1].url, { method: 'PUT', body: 'only-in-the-upload' });
  assert.equal(objects(server).length, 2);
  const abort = await post(server, 'abort/a/b.bin', { path: 'b', upload_id: created.upload_id });
  assert.equal(abort.status, 200);
  assert.equal(objects(server).length, 1);
  assert.equal(await (await fetch(new URL(`${ARTIFACTS}/kept.txt`, server.url))).text(), 'shared');
  assert.equal((await post(server, 'abort/a/b.bin', { path: 'b', upload_id: created.upload_id })).status, 404);
});

test('an upload left unfinished for 7 days is abandoned: its parts go when a later upload starts', async (t) => {
  let now = Date.now();
  const server = await startTestServer(t, { now: () => now });
  const created = (await (await post(server, 'create/old.bin', { path: 'o', num_parts: 2 })).json()) as { upload_id: string; credentials: Array<{ url: string }> };
  await fetch(created.credentials[0].url, { method: 'PUT', body: 'forgotten part' });
  assert.equal(objects(server).length, 1);
  now += 7 * 24 * 3600 * 1000 + 1;
  const late = await fetch(created.credentials[1].url, { method: 'PUT', body: 'late' });
  assert.equal(late.status, 404);
  assert.match(((await late.json()) as { message: string }).message, /expired/);
  await post(server, 'create/new.bin', { path: 'n', num_parts: 1 });
  assert.deepEqual(objects(server), []);
  assert.equal((await server.backend.sql.all('SELECT * FROM artifact_uploads')).length, 1, 'only the new upload is left');
});

test('an upload over the limit is refused with 413, by its declared length or as it streams; nothing is kept', async (t) => {
  const server = await startTestServer(t, { maxUploadBytes: 1000 });
  const declared = await raw(server.url, { method: 'PUT', path: `${ARTIFACTS}/big.bin`, body: Buffer.alloc(1001) });
  assert.equal(declared.status, 413);
  assert.equal(declared.json().error_code, 'REQUEST_LIMIT_EXCEEDED');
  assert.match(declared.json().message, /larger than this server accepts \(1000 B\)/);
  const chunked = await raw(server.url, { method: 'PUT', path: `${ARTIFACTS}/big.bin`, body: Buffer.alloc(5000), headers: { 'transfer-encoding': 'chunked' } });
  assert.equal(chunked.status, 413);
  assert.equal((await raw(server.url, { method: 'PUT', path: `${ARTIFACTS}/ok.bin`, body: Buffer.alloc(1000) })).status, 200, 'the limit itself is fine');
  assert.equal(objects(server).length, 1);
  assert.deepEqual(spooled(server), []);
  assert.deepEqual((await server.backend.sql.all<{ path: string }>('SELECT path FROM artifact_index')).map((r) => r.path), ['ok.bin']);
});

test('a body declared larger than the limit is answered 413 at once, without reading it, and the connection closed', async (t) => {
  const server = await startTestServer(t, { maxUploadBytes: 1 << 20 });
  const url = new URL(server.url);
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: `${ARTIFACTS}/huge.bin`, headers: { 'content-length': String(10 * 2 ** 30) } }, resolve);
    req.on('error', reject);
    req.write(Buffer.alloc(1024));
  });
  assert.equal(res.statusCode, 413);
  assert.equal(res.headers.connection, 'close');
  res.destroy();
  assert.deepEqual(spooled(server), []);
});

test('a client that goes away mid-upload leaves no object, no index row and no temp file', async (t) => {
  const server = await startTestServer(t);
  const url = new URL(server.url);
  const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: `${ARTIFACTS}/half.bin`, headers: { 'content-length': String(4 << 20) } });
  req.on('error', () => {});
  req.write(Buffer.alloc(1 << 20, 1));
  // Wait until the server is spooling the body, then cut the connection.
  for (let i = 0; i < 200 && spooled(server).length === 0; i++) await sleep(10);
  assert.equal(spooled(server).length, 1, 'the server was receiving the body');
  req.destroy();
  for (let i = 0; i < 200 && spooled(server).length > 0; i++) await sleep(10);
  assert.deepEqual(spooled(server), []);
  assert.deepEqual(objects(server), []);
  assert.deepEqual(await server.backend.sql.all('SELECT * FROM artifact_index'), []);
  assert.equal((await fetch(new URL(`${ARTIFACTS}/half.bin`, server.url))).status, 404);
  const again = await fetch(new URL(`${ARTIFACTS}/half.bin`, server.url), { method: 'PUT', body: 'whole' });
  assert.equal(again.status, 200, 'the server goes on serving');
});
