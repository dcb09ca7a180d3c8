import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { openS3Remote } from '../../src/remote/s3Remote.js';
import { S3RVER_KEY, startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { startTestServer } from '../helpers/server.js';
import { ARTIFACTS } from './artifactsHttp.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let s3: S3rverHandle;

before(async () => {
  s3 = await startS3rver();
});
after(async () => {
  await s3?.stop();
});

const bucketRemote = (prefix: string) => async (dir: string) =>
  openS3Remote('artifacts', `s3://${s3.bucket}/${prefix}`, { endpoint_url: s3.endpoint, access_key_id: S3RVER_KEY, secret_access_key: S3RVER_KEY }, { cwd: dir, env: {} });

async function keys(prefix: string): Promise<string[]> {
  const client = s3.client();
  try {
    const res = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
    return (res.Contents ?? []).map((o) => o.Key!.slice(prefix.length + 1)).sort();
  } finally {
    client.destroy();
  }
}

test('into S3: PUT, GET, list and DELETE through the server; the same bytes twice are one object in the bucket', async (t) => {
  const prefix = `p-${randomBytes(4).toString('hex')}`;
  const server = await startTestServer(t, { artifactsRemote: bucketRemote(prefix) });
  const bytes = randomBytes(200_000);
  for (const p of ['run/model.bin', 'run/copy/model.bin']) {
    assert.equal((await fetch(new URL(`${ARTIFACTS}/${p}`, server.url), { method: 'PUT', body: bytes })).status, 200);
  }
  assert.deepEqual(await keys(prefix), [`objects/${sha(bytes).slice(0, 2)}/${sha(bytes).slice(2)}`]);
  const got = await fetch(new URL(`${ARTIFACTS}/run/copy/model.bin`, server.url));
  assert.equal(got.headers.get('content-length'), '200000');
  assert.equal(sha(Buffer.from(await got.arrayBuffer())), sha(bytes));
  const list = (await (await fetch(new URL(`${ARTIFACTS}?path=run`, server.url))).json()) as { files: unknown[] };
  assert.deepEqual(list.files, [{ path: 'copy', is_dir: true }, { path: 'model.bin', is_dir: false, file_size: 200_000 }]);
  await fetch(new URL(`${ARTIFACTS}/run/copy`, server.url), { method: 'DELETE' });
  assert.equal((await fetch(new URL(`${ARTIFACTS}/run/copy/model.bin`, server.url))).status, 404);
  assert.equal((await fetch(new URL(`${ARTIFACTS}/run/model.bin`, server.url))).status, 200, 'the other path keeps the shared object');
});

test('into S3 with two servers on one database: a multipart upload whose parts go to either server, read from both', async (t) => {
  const prefix = `p-${randomBytes(4).toString('hex')}`;
  const a = await startTestServer(t, { artifactsRemote: bucketRemote(prefix) });
  const b = await startTestServer(t, { artifactsRemote: bucketRemote(prefix), backendUri: `sqlite://${path.join(a.dir, 'tracking.db')}` });
  const parts = [randomBytes(5 << 20), randomBytes(5 << 20), randomBytes(1 << 20)];
  const whole = Buffer.concat(parts);
  const created = (await (await fetch(new URL('/api/2.0/mlflow-artifacts/mpu/create/models/big.bin', a.url), { method: 'POST', body: JSON.stringify({ path: 'big.bin', num_parts: 3 }) })).json()) as { upload_id: string; credentials: Array<{ url: string }> };
  const etags: string[] = [];
  for (const [i, part] of parts.entries()) {
    // Every other part through the other server, as a load balancer would spread them.
    const url = i % 2 === 0 ? created.credentials[i].url : created.credentials[i].url.replace(new URL(a.url).origin, new URL(b.url).origin);
    const res = await fetch(url, { method: 'PUT', body: part });
    assert.equal(res.status, 200);
    etags.push(res.headers.get('etag')!);
  }
  const done = await fetch(new URL('/api/2.0/mlflow-artifacts/mpu/complete/models/big.bin', b.url), {
    method: 'POST', body: JSON.stringify({ path: 'big.bin', upload_id: created.upload_id, parts: etags.map((etag, i) => ({ part_number: i + 1, etag })) }),
  });
  assert.equal(done.status, 200, await done.clone().text());
  for (const server of [a, b]) {
    const got = await fetch(new URL(`${ARTIFACTS}/models/big.bin`, server.url));
    assert.equal(sha(Buffer.from(await got.arrayBuffer())), sha(whole));
  }
  assert.deepEqual(await keys(prefix), [`objects/${sha(whole).slice(0, 2)}/${sha(whole).slice(2)}`], 'only the whole file stays in the bucket');
});
