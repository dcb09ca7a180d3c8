import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import { ARTIFACTS, objectsIn, raw } from './artifactsHttp.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

test('PUT stores a file, GET streams it back typed and sized, list shows it one level deep, DELETE forgets it', async (t) => {
  const server = await startTestServer(t);
  const put = await fetch(new URL(`${ARTIFACTS}/team/plots/loss.csv`, server.url), { method: 'PUT', body: 'step,loss\n0,1.5\n' });
  assert.equal(put.status, 200);
  assert.deepEqual(await put.json(), {});
  await fetch(new URL(`${ARTIFACTS}/team/plots/deep/x.bin`, server.url), { method: 'PUT', body: Buffer.from([1, 2, 3]) });
  await fetch(new URL(`${ARTIFACTS}/team/notes.md`, server.url), { method: 'PUT', body: '# hi' });

  const get = await fetch(new URL(`${ARTIFACTS}/team/plots/loss.csv`, server.url));
  assert.equal(get.status, 200);
  assert.equal(await get.text(), 'step,loss\n0,1.5\n');
  assert.equal(get.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(get.headers.get('content-length'), '16');
  assert.match(get.headers.get('content-disposition') ?? '', /^attachment; filename="loss\.csv"/);
  assert.equal(get.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await fetch(new URL(`${ARTIFACTS}/team/plots/deep/x.bin`, server.url))).headers.get('content-type'), 'application/octet-stream');
  const head = await raw(server.url, { method: 'HEAD', path: `${ARTIFACTS}/team/plots/loss.csv` });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '16');
  assert.equal(head.body.length, 0);

  const list = async (dir?: string) => (await (await fetch(new URL(`${ARTIFACTS}${dir === undefined ? '' : `?path=${encodeURIComponent(dir)}`}`, server.url))).json()) as { files: unknown[] };
  assert.deepEqual((await list('team')).files, [{ path: 'notes.md', is_dir: false, file_size: 4 }, { path: 'plots', is_dir: true }]);
  assert.deepEqual((await list('team/plots')).files, [{ path: 'deep', is_dir: true }, { path: 'loss.csv', is_dir: false, file_size: 16 }]);
  assert.deepEqual((await list()).files, [{ path: 'team', is_dir: true }]);
  assert.deepEqual((await list('team/')).files, (await list('team')).files, 'a trailing "/" names the same folder');
  assert.deepEqual((await list('team/notes.md')).files, [], 'a file lists nothing, as MLflow answers');
  assert.deepEqual((await list('nowhere')).files, []);
  const ajax = await fetch(new URL('/ajax-api/2.0/mlflow-artifacts/artifacts?path=team', server.url));
  assert.equal(((await ajax.json()) as { files: unknown[] }).files.length, 2, 'the same API answers under /ajax-api');

  const del = await fetch(new URL(`${ARTIFACTS}/team/plots`, server.url), { method: 'DELETE' });
  assert.equal(del.status, 200);
  assert.deepEqual((await list('team')).files, [{ path: 'notes.md', is_dir: false, file_size: 4 }], 'a folder goes with everything in it');
  const gone = await fetch(new URL(`${ARTIFACTS}/team/plots/loss.csv`, server.url));
  assert.equal(gone.status, 404);
  assert.equal(((await gone.json()) as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST');
  assert.equal((await fetch(new URL(`${ARTIFACTS}/team/plots`, server.url), { method: 'DELETE' })).status, 200, 'deleting what is gone is fine');
});

test('the same bytes under two paths are one object; overwriting a path points it at the new bytes', async (t) => {
  const server = await startTestServer(t);
  const bytes = Buffer.alloc(100_000, 7);
  for (const p of ['a/model.bin', 'b/copy.bin']) {
    assert.equal((await fetch(new URL(`${ARTIFACTS}/${p}`, server.url), { method: 'PUT', body: bytes })).status, 200);
  }
  const root = path.join(server.dir, 'artifacts');
  assert.deepEqual(objectsIn(root), [sha(bytes)]);
  assert.equal(statSync(path.join(root, 'objects', sha(bytes).slice(0, 2), sha(bytes).slice(2))).size, 100_000);
  await fetch(new URL(`${ARTIFACTS}/b/copy.bin`, server.url), { method: 'PUT', body: 'new' });
  assert.equal(await (await fetch(new URL(`${ARTIFACTS}/b/copy.bin`, server.url))).text(), 'new');
  assert.deepEqual(Buffer.from(await (await fetch(new URL(`${ARTIFACTS}/a/model.bin`, server.url))).arrayBuffer()), bytes);
  assert.deepEqual(objectsIn(root).sort(), [sha(bytes), sha('new')].sort());
  const empty = await fetch(new URL(`${ARTIFACTS}/a/empty.txt`, server.url), { method: 'PUT', body: '' });
  assert.equal(empty.status, 200);
  assert.equal(await (await fetch(new URL(`${ARTIFACTS}/a/empty.txt`, server.url))).text(), '', 'an empty file is a file');
});

test('a file and a folder cannot share a path', async (t) => {
  const server = await startTestServer(t);
  await fetch(new URL(`${ARTIFACTS}/x/model`, server.url), { method: 'PUT', body: 'file' });
  const under = await raw(server.url, { method: 'PUT', path: `${ARTIFACTS}/x/model/weights`, body: 'w' });
  assert.equal(under.status, 400);
  assert.equal(under.json().error_code, 'RESOURCE_ALREADY_EXISTS');
  assert.match(under.json().message, /"x\/model" is a file/);
  const over = await raw(server.url, { method: 'PUT', path: `${ARTIFACTS}/x`, body: 'f' });
  assert.equal(over.status, 400);
  assert.match(over.json().message, /it is a folder/);
});

test('every path that could leave the root is refused with a clear 400, over a real socket', async (t) => {
  const server = await startTestServer(t);
  await fetch(new URL(`${ARTIFACTS}/inside.txt`, server.url), { method: 'PUT', body: 'in' });
  const cases: Array<[string, RegExp]> = [
    ['../outside.txt', /"\.\." segment/],
    ['a/../../outside.txt', /"\.\." segment/],
    ['%2e%2e/outside.txt', /"\.\." segment/],
    ['a/%2E%2E/%2e%2E/outside.txt', /"\.\." segment/],
    ['a%2F..%2F..%2Foutside.txt', /encoded "\/"/],
    ['..%5coutside.txt', /backslash/],
    ['a\\..\\outside.txt', /backslash/],
    ['/etc/passwd', /absolute/],
    ['%2Fetc%2Fpasswd', /encoded "\/"/],
    ['C:/windows/x', /absolute/],
    ['a//b.txt', /empty segment/],
    ['./a.txt', /"\." segment/],
    ['a%00.txt', /NUL/],
    ['%zz', /cannot be read/],
  ];
  for (const [p, why] of cases) {
    for (const method of ['PUT', 'GET', 'DELETE']) {
      const res = await raw(server.url, { method, path: `${ARTIFACTS}/${p}`, body: method === 'PUT' ? 'x' : undefined });
      assert.equal(res.status, 400, `${method} ${p}: ${res.body}`);
      assert.equal(res.json().error_code, 'INVALID_PARAMETER_VALUE', `${method} ${p}`);
      assert.match(res.json().message, why, `${method} ${p}`);
    }
  }
  for (const p of ['..', '../x', '/etc', 'a//b']) {
    const res = await raw(server.url, { method: 'GET', path: `${ARTIFACTS}?path=${encodeURIComponent(p)}` });
    assert.equal(res.status, 400, `list ${p}`);
    assert.equal(res.json().error_code, 'INVALID_PARAMETER_VALUE');
  }
  const mpu = await raw(server.url, { method: 'POST', path: '/api/2.0/mlflow-artifacts/mpu/create/%2e%2e/x', body: '{"path":"x","num_parts":1}' });
  assert.equal(mpu.status, 400);
  assert.deepEqual(readdirSync(server.dir).filter((n) => n.includes('outside')), [], 'nothing was written beside the root');
  assert.equal(await (await fetch(new URL(`${ARTIFACTS}/inside.txt`, server.url))).text(), 'in');
});
