import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { PROJECT_ROOT, runNode, tempDir, testEnv } from '../helpers/cli.js';
import { startLogging, waitForPoints } from '../helpers/loggingProcess.js';
import { startTestServer } from '../helpers/server.js';

// The built SDK, as a user's program imports it (`npm run build` first).
const SDK = pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'sdk', 'index.js')).href;

describe('the TypeScript SDK logging to a cairn server', () => {
  it('sends the run while it goes on, then the rest with its artifacts, and leaves no outbox file', async (t) => {
    const server = await startTestServer(t);
    const tmp = tempDir('cairn-sdk-server-');
    t.after(tmp.cleanup);
    const go = path.join(tmp.dir, 'go');
    const script = path.join(tmp.dir, 'train.mjs');
    writeFileSync(path.join(tmp.dir, 'model.bin'), 'weights');
    writeFileSync(script, [
      `import { existsSync } from 'node:fs';`,
      `import { startRun } from ${JSON.stringify(SDK)};`,
      `const run = startRun({ name: 'ts-remote', experiment: 'ts-server' });`,
      `console.log(run.id);`,
      `run.logParam('lr', 0.1);`,
      `for (let i = 0; i < 3000; i++) run.logMetric('loss', 1 / (i + 1), i);`,
      `const wait = setInterval(() => {`,
      `  if (!existsSync(${JSON.stringify(go)})) return;`,
      `  clearInterval(wait);`,
      `  run.logArtifact('model.bin', 'models');`,
      `  run.end();`,
      `}, 50);`,
    ].join('\n'));
    const env = { ...testEnv(tmp.dir), CAIRN_TRACKING_URI: server.url, TMPDIR: tmp.dir };
    const proc = await startLogging(t, process.execPath, [script], { cwd: tmp.dir, env });
    const runId = proc.runId;
    // Live: the points arrive while the program waits.
    assert.equal(await waitForPoints(server.ctx.tracking, runId, 'loss', 3000), 3000, 'every point reached the server while the run went on');
    assert.equal((await server.ctx.tracking.getRun(runId)).info.status, 'RUNNING');
    writeFileSync(go, '');
    assert.equal(await proc.exited, 0, proc.stderr());

    const run = await server.ctx.tracking.getRun(runId);
    assert.equal(run.info.status, 'FINISHED');
    assert.equal((await server.ctx.tracking.getExperiment(run.info.experiment_id)).name, 'ts-server');
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.equal((await server.ctx.tracking.getMetricHistory(runId, 'loss', { max_results: 5000 })).metrics.length, 3000, 'no point twice');
    const artifacts = await server.ctx.tracking.listArtifacts(runId);
    assert.deepEqual(artifacts.map((a) => a.path), ['models/model.bin']);
    assert.ok((await server.ctx.objects!.exists([artifacts[0].oid])).has(artifacts[0].oid));
    assert.deepEqual(readdirSync(path.join(tmp.dir, 'cairn-outbox')), [], 'the outbox file and its copies are gone');
    assert.equal(existsSync(path.join(tmp.dir, '.cairn')), false);
  });

  it('keeps the run in the outbox when the server is down, and says how to send it', async (t) => {
    const tmp = tempDir('cairn-sdk-server-');
    t.after(tmp.cleanup);
    const script = path.join(tmp.dir, 'train.mjs');
    writeFileSync(script, [
      `import { startRun } from ${JSON.stringify(SDK)};`,
      `const run = startRun({ onWarning: (m) => console.error('WARN ' + m) });`,
      `run.logMetric('loss', 0.5);`,
      `run.end();`,
      `console.log(run.id);`,
    ].join('\n'));
    const env = { ...testEnv(tmp.dir), CAIRN_TRACKING_URI: 'http://ann:s3cret@127.0.0.1:9', TMPDIR: tmp.dir };
    const r = await runNode(script, [], { cwd: tmp.dir, env });
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(tmp.dir, 'cairn-outbox', `${r.stdout.trim()}.jsonl`);
    assert.match(r.stderr, /WARN run [0-9a-f]{32} stays in .*: .*could not reach the tracking server/);
    assert.ok(r.stderr.includes(`CAIRN_TRACKING_URI=http://ann:***@127.0.0.1:9 cairn runs ingest ${file}`), r.stderr);
    assert.doesNotMatch(r.stderr, /s3cret/);
    assert.match(readFileSync(file, 'utf8'), /"metric":"loss"/);
  });
});

