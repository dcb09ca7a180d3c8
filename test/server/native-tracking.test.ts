import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { eventsSource } from '../../src/tracking/events/ingestEvents.js';
import { startTestServer } from '../helpers/server.js';

const RUN = 'a'.repeat(32);

async function call(server: Awaited<ReturnType<typeof startTestServer>>, method: 'GET' | 'POST' | 'PUT' | 'HEAD', url: string, payload?: unknown, headers?: Record<string, string>) {
  const res = await server.app.inject({ method, url, payload: payload as never, headers });
  let json: any;
  try {
    json = res.json();
  } catch {
    json = res.body;
  }
  return { status: res.statusCode, json, body: res.rawPayload };
}

describe('native tracking API', () => {
  it('writes atomically with a checkpoint, and refuses a moved offset with CONFLICT', async (t) => {
    const server = await startTestServer(t);
    const ensure = { op: 'ensureRun', run: { run_id: RUN, experiment_id: '0', start_time: 5 } };
    const batch = { op: 'logBatch', run_id: RUN, metrics: [{ key: 'loss', value: 'NaN', step: 1, timestamp: 9 }, { key: 'loss', value: 0.5, step: 2, timestamp: 9 }] };
    const ok = await call(server, 'POST', '/api/cairn/v1/tracking/write', { writes: [ensure, batch], checkpoint: { source: 's1', run_id: RUN, offset: 10, expected_offset: 0 } });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    const history = await server.ctx.tracking.getMetricHistory(RUN, 'loss');
    assert.ok(Number.isNaN(history.metrics[0].value));
    assert.equal(history.metrics[1].value, 0.5);
    assert.deepEqual((await call(server, 'GET', '/api/cairn/v1/tracking/ingest-offset?source=s1')).json, { source: 's1', offset: 10 });

    const moved = await call(server, 'POST', '/api/cairn/v1/tracking/write', { writes: [batch], checkpoint: { source: 's1', run_id: RUN, offset: 20, expected_offset: 0 } });
    assert.equal(moved.status, 409);
    assert.equal(moved.json.cairn.code, 'CONFLICT');
    assert.equal(moved.json.cairn.data.reason, 'ingest-offset-moved');
    assert.equal((await server.ctx.tracking.getMetricHistory(RUN, 'loss')).metrics.length, 2, 'nothing of the refused write is stored');

    const bad = await call(server, 'POST', '/api/cairn/v1/tracking/write', { writes: [{ op: 'logBatch', run_id: RUN, metrics: [{ key: 'x', value: 'much' }] }] });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /writes\[0\]\.metrics\[0\]\.value is not a number/);
  });

  it('creates runs with their id and lists artifacts with oids', async (t) => {
    const server = await startTestServer(t);
    const created = await call(server, 'POST', '/api/cairn/v1/runs/create', { experiment_id: '0', run_id: RUN, status: 'FINISHED', run_name: 'r' });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.run.info.run_id, RUN);
    assert.equal(created.json.run.info.status, 'FINISHED');
    assert.equal((await call(server, 'POST', '/api/cairn/v1/runs/create', { experiment_id: '0', run_id: 'nope' })).status, 400);
    const oid = 'b'.repeat(64);
    await server.ctx.tracking.write([{ op: 'logArtifacts', run_id: RUN, artifacts: [{ path: 'm/model.pt', oid, size: 3 }, { path: 'x.txt', oid, size: 3 }] }]);
    assert.deepEqual((await call(server, 'GET', `/api/cairn/v1/runs/${RUN}/artifacts?prefix=m`)).json, { artifacts: [{ path: 'm/model.pt', oid, size: 3 }] });
    assert.equal((await call(server, 'GET', `/api/cairn/v1/runs/${'c'.repeat(32)}/artifacts`)).status, 404);
  });

  it('stores objects by oid, verified, and serves them back', async (t) => {
    const server = await startTestServer(t);
    const bytes = Buffer.from('the model weights');
    const oid = createHash('sha256').update(bytes).digest('hex');
    const octet = { 'content-type': 'application/octet-stream' };
    assert.equal((await call(server, 'HEAD', `/api/cairn/v1/objects/${oid}`)).status, 404);
    const wrong = await call(server, 'PUT', `/api/cairn/v1/objects/${'d'.repeat(64)}`, bytes, octet);
    assert.equal(wrong.json.cairn.code, 'INTEGRITY');
    assert.equal((await call(server, 'HEAD', `/api/cairn/v1/objects/${'d'.repeat(64)}`)).status, 404, 'a corrupt upload is not kept');
    const put = await call(server, 'PUT', `/api/cairn/v1/objects/${oid}`, bytes, octet);
    assert.deepEqual(put.json, { oid, size: bytes.length, stored: true });
    assert.deepEqual((await call(server, 'PUT', `/api/cairn/v1/objects/${oid}`, bytes, octet)).json, { oid, stored: false });
    assert.equal((await call(server, 'HEAD', `/api/cairn/v1/objects/${oid}`)).status, 200);
    assert.deepEqual((await call(server, 'GET', `/api/cairn/v1/objects/${oid}`)).body, bytes);
    assert.equal((await call(server, 'GET', '/api/cairn/v1/objects/..%2F..%2Fetc')).status, 400);
  });

  it('ingests batches of a client\'s events file exactly once, and asks for missing bytes', async (t) => {
    const server = await startTestServer(t);
    const head = JSON.stringify({ run: { id: RUN, name: 'py', experiment: 'remote', start_time: 1 } });
    const lines = [head, ...Array.from({ length: 6 }, (_, i) => JSON.stringify({ metric: 'loss', value: i, step: i, timestamp: 7 }))].map((l) => `${l}\n`);
    const part1 = lines.slice(0, 4).join('');
    const part2 = lines.slice(4).join('');
    const send = (offset: number, text: string, firstLine?: number) => call(server, 'POST', '/api/cairn/v1/events', { path: '/home/ann/x.jsonl', head, offset, text, first_line: firstLine });
    const gap = await send(Buffer.byteLength(part1), part2);
    assert.equal(gap.status, 409);
    assert.deepEqual(gap.json.cairn.data, { reason: 'events-offset-behind', offset: 0 });
    const first = await send(0, part1);
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.points, 3);
    assert.equal((await send(0, part1)).json.points, 0, 'the same batch again adds nothing');
    const second = await send(Buffer.byteLength(part1), part2);
    assert.deepEqual([second.json.points, second.json.offset], [3, Buffer.byteLength(part1 + part2)]);
    const run = await server.ctx.tracking.getRun(RUN);
    assert.equal(run.info.run_name, 'py');
    assert.equal((await server.ctx.tracking.getExperiment(run.info.experiment_id)).name, 'remote');
    assert.equal((await server.ctx.tracking.getMetricHistory(RUN, 'loss')).metrics.length, 6);
    assert.equal(await server.ctx.tracking.getIngestOffset(eventsSource('/home/ann/x.jsonl', head)), Buffer.byteLength(part1 + part2));

    const end = Buffer.byteLength(part1 + part2);
    const art = await send(end, `${JSON.stringify({ artifact: 'x.jsonl.d/1/model.pt' })}\n`, 8);
    assert.equal(art.status, 400);
    assert.match(art.json.message, /\/home\/ann\/x\.jsonl:8: artifact lines cannot be sent/);
    const badLine = await send(end, '{"metric": "loss", "value": "high"}\n');
    assert.equal(badLine.status, 400);
    assert.equal((await send(end, 'no newline')).status, 400);
  });
});
