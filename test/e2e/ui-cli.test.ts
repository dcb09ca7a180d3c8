import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openTrackingStore } from '../../src/tracking/openTrackingStore.js';
import { cairn, tempGitRepo } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

test("cairn ui serves the web UI and the APIs over the repository's runs, prints its URL, and stops on SIGTERM", async (t) => {
  const repo = tempGitRepo();
  t.after(repo.cleanup);
  assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
  const store = await openTrackingStore({ cairnDir: path.join(repo.dir, '.cairn'), cwd: repo.dir });
  const { run_id } = await store.createRun({ experiment_id: '0', run_name: 'shown-in-the-ui' });
  await store.close();

  // A desktop session, but --no-open: no browser is started (the JSON says so).
  const server = await spawnServer(t, { command: ['ui'], args: ['--no-open'], cwd: repo.dir, env: { ...repo.env, DISPLAY: ':0' } });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  assert.match(await page.text(), /<div id="root"><\/div>/);
  const search = await fetch(new URL('ajax-api/2.0/mlflow/runs/search', server.url), { method: 'POST', body: JSON.stringify({ experiment_ids: ['0'] }) });
  assert.deepEqual(((await search.json()) as any).runs.map((r: any) => r.info.run_id), [run_id]);
  const summary = (await (await fetch(new URL('api/cairn/v1/experiments/summary', server.url))).json()) as any;
  assert.deepEqual(summary.experiments.map((e: any) => [e.experiment_id, e.runs, e.running]), [['0', 1, 1]]);
  assert.equal(await server.stop('SIGTERM'), 0);
});

test('cairn ui refuses a bad port before starting anything', async (t) => {
  const repo = tempGitRepo();
  t.after(repo.cleanup);
  const r = await cairn(repo.dir, ['ui', '--port', '70000', '--no-open'], repo.env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--port must be at most 65535/);
});
