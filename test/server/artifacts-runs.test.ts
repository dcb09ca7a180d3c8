import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import { ARTIFACTS, raw } from './artifactsHttp.js';

const sha = (b: string) => createHash('sha256').update(b).digest('hex');

test('a file under <experiment>/<run>/artifacts/ is recorded on the run; deleting it there forgets it on the run', async (t) => {
  const server = await startTestServer(t);
  const { run_id } = await server.ctx.tracking.createRun({ experiment_id: '0' });
  const root = `0/${run_id}/artifacts`;
  for (const [p, body] of [['model/weights.bin', 'w'], ['model/MLmodel', 'flavors: {}'], ['metrics.json', '{}']]) {
    assert.equal((await fetch(new URL(`${ARTIFACTS}/${root}/${p}`, server.url), { method: 'PUT', body })).status, 200);
  }
  assert.deepEqual(await server.ctx.tracking.listArtifacts(run_id), [
    { path: 'metrics.json', oid: sha('{}'), size: 2 },
    { path: 'model/MLmodel', oid: sha('flavors: {}'), size: 11 },
    { path: 'model/weights.bin', oid: sha('w'), size: 1 },
  ]);
  assert.equal((await fetch(new URL(`${ARTIFACTS}/${root}/model`, server.url), { method: 'DELETE' })).status, 200);
  assert.deepEqual((await server.ctx.tracking.listArtifacts(run_id)).map((a) => a.path), ['metrics.json']);
  assert.equal((await fetch(new URL(`${ARTIFACTS}/0/${run_id}`, server.url), { method: 'DELETE' })).status, 200, 'the run folder itself');
  assert.deepEqual(await server.ctx.tracking.listArtifacts(run_id), []);
  assert.deepEqual(((await (await fetch(new URL(`${ARTIFACTS}?path=${root}`, server.url))).json()) as { files: unknown[] }).files, []);
});

test('a path that only looks like a run\'s (another experiment, an unknown run) is stored but recorded on no run', async (t) => {
  const server = await startTestServer(t);
  const { run_id } = await server.ctx.tracking.createRun({ experiment_id: '0' });
  await fetch(new URL(`${ARTIFACTS}/7/${run_id}/artifacts/x.txt`, server.url), { method: 'PUT', body: 'x' });
  await fetch(new URL(`${ARTIFACTS}/0/${'e'.repeat(32)}/artifacts/y.txt`, server.url), { method: 'PUT', body: 'y' });
  assert.deepEqual(await server.ctx.tracking.listArtifacts(run_id), []);
  assert.equal(await (await fetch(new URL(`${ARTIFACTS}/7/${run_id}/artifacts/x.txt`, server.url))).text(), 'x');
});

test('artifacts a run recorded itself (objects already in the destination) are served and listed at once', async (t) => {
  const server = await startTestServer(t);
  const { run_id } = await server.ctx.tracking.createRun({ experiment_id: '0' });
  const objects = path.join(server.dir, 'artifacts', 'objects');
  for (const body of ['acc,0.9\n', 'pickle']) {
    mkdirSync(path.join(objects, sha(body).slice(0, 2)), { recursive: true });
    writeFileSync(path.join(objects, sha(body).slice(0, 2), sha(body).slice(2)), body);
  }
  await server.ctx.tracking.write([{ op: 'logArtifacts', run_id, artifacts: [{ path: 'eval/scores.csv', oid: sha('acc,0.9\n'), size: 8 }, { path: 'model.pkl', oid: sha('pickle'), size: 6 }] }]);
  const root = `0/${run_id}/artifacts`;
  const got = await fetch(new URL(`${ARTIFACTS}/${root}/eval/scores.csv`, server.url));
  assert.equal(got.status, 200);
  assert.equal(await got.text(), 'acc,0.9\n');
  assert.equal(got.headers.get('content-type'), 'text/csv; charset=utf-8');
  const list = async (dir: string) => ((await (await fetch(new URL(`${ARTIFACTS}?path=${dir}`, server.url))).json()) as { files: unknown[] }).files;
  assert.deepEqual(await list(root), [{ path: 'eval', is_dir: true }, { path: 'model.pkl', is_dir: false, file_size: 6 }]);
  assert.deepEqual(await list(`${root}/eval`), [{ path: 'scores.csv', is_dir: false, file_size: 8 }]);
  // A file uploaded beside them joins the same listing.
  await fetch(new URL(`${ARTIFACTS}/${root}/eval/extra.txt`, server.url), { method: 'PUT', body: 'e' });
  assert.deepEqual(await list(`${root}/eval`), [{ path: 'extra.txt', is_dir: false, file_size: 1 }, { path: 'scores.csv', is_dir: false, file_size: 8 }]);
});

test('a symlink in a folder destination is never followed out of it, reading or writing', async (t) => {
  const server = await startTestServer(t);
  const outside = mkdtempSync(path.join(os.tmpdir(), 'cairn-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  await fetch(new URL(`${ARTIFACTS}/secret.txt`, server.url), { method: 'PUT', body: 'secret' });
  const objects = path.join(server.dir, 'artifacts', 'objects');
  const prefix = sha('secret').slice(0, 2);
  // The object's folder becomes a link to a folder outside holding the same names.
  cpSync(path.join(objects, prefix), path.join(outside, prefix), { recursive: true });
  rmSync(path.join(objects, prefix), { recursive: true, force: true });
  symlinkSync(path.join(outside, prefix), path.join(objects, prefix));
  const read = await raw(server.url, { method: 'GET', path: `${ARTIFACTS}/secret.txt` });
  assert.equal(read.status, 403);
  assert.equal(read.json().error_code, 'PERMISSION_DENIED');
  assert.match(read.json().message, /link leading out of it/);

  const body = 'new bytes';
  const target = sha(body).slice(0, 2);
  if (target !== prefix) symlinkSync(outside, path.join(objects, target));
  const write = await raw(server.url, { method: 'PUT', path: `${ARTIFACTS}/new.txt`, body });
  assert.equal(write.status, 403);
  assert.deepEqual(readdirSync(outside).filter((n) => n !== prefix), [], 'nothing was written outside');
  assert.equal((await raw(server.url, { method: 'GET', path: `${ARTIFACTS}/new.txt` })).status, 404);
});
