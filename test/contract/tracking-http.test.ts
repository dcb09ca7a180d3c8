import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TokenStore } from '../../src/server/auth/tokenStore.js';
import { HttpTrackingStore } from '../../src/tracking/http/httpTrackingStore.js';
import { serverArtifactBlobs } from '../../src/tracking/http/serverBlobs.js';
import { openTrackingStore } from '../../src/tracking/openTrackingStore.js';
import { freePort } from '../helpers/freePort.js';
import { startTestServer } from '../helpers/server.js';
import { rejectsWith, runTrackingStoreContract } from './trackingStoreContract.js';

/** The contract through a real server on 127.0.0.1: a fresh server over a fresh SQLite store for every case. */
runTrackingStoreContract('http', async () => {
  const after: Array<() => unknown> = [];
  const server = await startTestServer({ after: (fn: () => unknown) => after.push(fn) } as unknown as TestContext);
  const store = await HttpTrackingStore.open({ uri: server.url, user: 'client-user' });
  return {
    store,
    cleanup: async () => {
      await store.close();
      for (const fn of after.reverse()) await fn();
    },
  };
});

describe('http tracking store', () => {
  it('is what openTrackingStore opens for http:// and https://, and sends the token', async (t) => {
    const seen: Array<string | undefined> = [];
    const server = await startTestServer(t, { extend: (app) => app.addHook('onRequest', async (req) => { seen.push(req.headers.authorization); }) });
    const store = await openTrackingStore({ uri: server.url, cwd: '/', user: 'ann', env: { CAIRN_TRACKING_TOKEN: 'tok-1' } });
    assert.ok(store instanceof HttpTrackingStore);
    assert.equal(store.displayUri, server.url.replace(/\/$/, ''));
    const info = await store.createRun({ experiment_id: '0' });
    assert.equal(info.user_id, 'ann', "runs are created by the client's user");
    assert.ok(seen.length > 0 && seen.every((h) => h === 'Bearer tok-1'), String(seen));
    seen.length = 0;
    const basic = await openTrackingStore({ uri: server.url, cwd: '/', env: { MLFLOW_TRACKING_USERNAME: 'bob', MLFLOW_TRACKING_PASSWORD: 'pw' } });
    await basic.getExperiment('0');
    assert.equal(seen.at(-1), `Basic ${Buffer.from('bob:pw').toString('base64')}`);
  });

  it('rebuilds the server\'s CairnError, and names the URL (redacted) when the server is down', async (t) => {
    const server = await startTestServer(t);
    const store = await HttpTrackingStore.open({ uri: server.url });
    const err = await rejectsWith(store.getRun('0'.repeat(32)), 'NOT_FOUND');
    assert.match(err.message, /0{32}/);
    const { run_id } = await store.createRun({ experiment_id: '0' });
    await store.write([{ op: 'logBatch', run_id, params: [{ key: 'lr', value: '0.1' }] }]);
    const changed = await rejectsWith(store.write([{ op: 'logBatch', run_id, params: [{ key: 'lr', value: '0.2' }] }]), 'CONFLICT');
    assert.match(changed.message, /lr/);
    await rejectsWith(store.write([{ op: 'nope', run_id } as never]), 'USAGE', /writes\[0\]\.op/);

    const port = await freePort();
    await rejectsWith(HttpTrackingStore.open({ uri: `http://user:s3cret@127.0.0.1:${port}` }), 'REMOTE', new RegExp(`could not reach the tracking server http://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
    const down = await rejectsWith(HttpTrackingStore.open({ uri: `http://user:s3cret@127.0.0.1:${port}` }), 'REMOTE');
    assert.doesNotMatch(`${down.message} ${down.hint}`, /s3cret/);
    assert.match(down.hint ?? '', /CAIRN_TRACKING_URI/);
  });

  it('times out with REMOTE when the server does not answer', async (t) => {
    const server = await startTestServer(t, { extend: (app) => app.get('/api/cairn/v1/slow', async () => new Promise((r) => setTimeout(() => r({}), 2000))) });
    const store = new HttpTrackingStore({ uri: server.url, timeoutMs: 200 });
    await rejectsWith(store.client.json('GET', 'api/cairn/v1/slow', { doing: 'wait' }), 'REMOTE', /did not answer within/);
  });

  it('refuses a URL that is not a cairn server', async (t) => {
    const server = await startTestServer(t, { extend: (app) => app.register(async () => {}) });
    await rejectsWith(HttpTrackingStore.open({ uri: `${server.url}not-here/` }), 'USAGE', /is not a cairn server/);
    await rejectsWith(openTrackingStore({ uri: 'http://', cwd: '/' }), 'USAGE', /not a valid tracking server URL/);
  });

  it('uploads artifacts larger than the JSON body limit as a stream, verified, once', async (t) => {
    const server = await startTestServer(t);
    const store = await HttpTrackingStore.open({ uri: server.url });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-blob-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'big.bin');
    const bytes = Buffer.alloc(65 * 1024 * 1024 + 3, 7);
    writeFileSync(file, bytes);
    const blobs = serverArtifactBlobs(store.client);
    const { oid, size } = await blobs.put(file);
    assert.equal(size, bytes.length);
    assert.equal(oid, createHash('sha256').update(bytes).digest('hex'));
    assert.ok((await server.ctx.objects!.exists([oid])).has(oid));
    const puts = () => server.logs.filter((e) => e.msg === 'request' && e.method === 'PUT').length;
    assert.equal(puts(), 1);
    const again = await serverArtifactBlobs(store.client).put(file);
    assert.equal(again.oid, oid);
    const chunks: Buffer[] = [];
    for await (const c of await blobs.open(oid)) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(bytes), 'read back from the server');
    assert.equal(puts(), 1, 'an object the server has is not sent again');
  });

  it("logs to a server that wants tokens with the environment's token, as cairn's and MLflow's variables give it", async (t) => {
    let tokens: TokenStore | undefined;
    const server = await startTestServer(t, {
      configure: async (ctx) => {
        tokens = await TokenStore.open(ctx.sql);
        ctx.auth = { tokens };
      },
    });
    const writer = (await tokens!.create({ name: 'ci', scope: 'write' })).token;
    const reader = (await tokens!.create({ name: 'viewer', scope: 'read' })).token;
    const none = await rejectsWith(openTrackingStore({ uri: server.url, cwd: '/', env: {} }), 'AUTH');
    assert.match(none.hint ?? '', /MLFLOW_TRACKING_TOKEN|Bearer/);
    let run_id = '';
    for (const env of [{ CAIRN_TRACKING_TOKEN: writer }, { MLFLOW_TRACKING_TOKEN: writer }, { MLFLOW_TRACKING_USERNAME: 'ci', MLFLOW_TRACKING_PASSWORD: writer }]) {
      const store = await openTrackingStore({ uri: server.url, cwd: '/', env });
      ({ run_id } = await store.createRun({ experiment_id: '0', run_id: randomUUID().replace(/-/g, '') }));
      await store.write([{ op: 'logBatch', run_id, metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }] }]);
      assert.equal((await store.getRun(run_id)).data.metrics.length, 1);
    }
    const readOnly = await openTrackingStore({ uri: server.url, cwd: '/', env: { CAIRN_TRACKING_TOKEN: reader } });
    assert.equal((await readOnly.getRun(run_id)).info.run_id, run_id);
    await rejectsWith(readOnly.createRun({ experiment_id: '0' }), 'PERMISSION', /write/);
  });
});

