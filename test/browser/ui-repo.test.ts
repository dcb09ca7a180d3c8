/**
 * The UI over a real repository, with auth on: a two-stage pipeline reproduced and then edited, an experiment run
 * through `cairn exp run`, tracked data at two commits. The pipeline view shows each stage's status and the data that
 * changed, a run page shows where its data came from, and a read-only token gets a clear message when it tries to
 * promote. Screenshots go to .cache/screenshots/ui-repo/.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openRepo } from '../../src/core/repo.js';
import { openArtifactDestination } from '../../src/server/artifacts/openArtifactDestination.js';
import { TokenStore } from '../../src/server/auth/tokenStore.js';
import { defaultTrackingPath } from '../../src/tracking/openTrackingStore.js';
import { launchBrowser } from '../helpers/browser.js';
import { sh, writeTree } from '../helpers/cli.js';
import { PARAMS_YAML, TRAIN_PY } from '../helpers/expRepo.js';
import { cairnRepo } from '../helpers/dataRepo.js';
import { startTestServer } from '../helpers/server.js';

const PIPELINE = `stages:
  prepare:
    cmd: python3 -c "open('clean.csv','w').write(open('data.csv').read().upper())"
    deps: [data.csv]
    outs: [clean.csv]
  train:
    cmd: python3 train.py
    deps: [train.py, clean.csv]
    params: [train.lr, train.depth]
    outs: [model.txt]
    metrics:
      - metrics.json:
          cache: false
`;

test('pipeline status, data changes, run lineage and the read-only message, over a real repository', { timeout: 180_000 }, async (t) => {
  const repo = await cairnRepo();
  t.after(() => repo.cleanup());
  writeTree(repo.dir, { 'params.yaml': PARAMS_YAML, 'train.py': TRAIN_PY, 'cairn.yaml': PIPELINE, 'data.csv': 'a,b\n1,2\n' });
  for (const args of [['add', 'data.csv'], ['repro']]) {
    const r = await repo.run(args);
    assert.equal(r.code, 0, r.stderr);
  }
  sh(repo.dir, 'git add -A && git commit -q -m baseline', repo.env);
  const exp = await repo.run(['exp', 'run', '-n', 'faster', '-S', 'train.lr=0.05']);
  assert.equal(exp.code, 0, exp.stderr);
  // A second commit with more data, then an uncommitted edit of a param: train is now out of date.
  writeFileSync(path.join(repo.dir, 'data.csv'), 'a,b\n1,2\n3,4\n');
  for (const args of [['add', 'data.csv'], ['repro']]) assert.equal((await repo.run(args)).code, 0);
  sh(repo.dir, 'git add -A && git commit -q -m more-data', repo.env);
  writeFileSync(path.join(repo.dir, 'params.yaml'), PARAMS_YAML.replace('depth: 3', 'depth: 5'));

  const opened = await openRepo({ cwd: repo.dir, env: repo.env });
  let tokens: { read: string; admin: string } | undefined;
  const server = await startTestServer(t, {
    backendUri: `sqlite://${defaultTrackingPath(opened.cairnDir)}`,
    // As `cairn server` in a repository: artifacts live in its cache, where `cairn repro` recorded the stage logs.
    artifactsRemote: () => openArtifactDestination({ repo: opened, ctx: { cwd: repo.dir, env: {} } }),
    configure: async (ctx) => {
      ctx.repo = opened;
      const store = await TokenStore.open(ctx.sql);
      ctx.auth = { tokens: store };
      tokens = { read: (await store.create({ name: 'viewer', scope: 'read' })).token, admin: (await store.create({ name: 'admin', scope: 'admin' })).token };
    },
  });
  const adminApi = async (route: string, body: Record<string, unknown>, method: 'GET' | 'POST' = 'POST') => {
    const url = new URL(`api/2.0/mlflow/${route}`, server.url);
    if (method === 'GET') for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    const headers = { authorization: `Bearer ${tokens!.admin}`, 'content-type': 'application/json' };
    const res = await fetch(url, method === 'GET' ? { headers } : { method, headers, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json() as Promise<any>;
  };
  const runs = (await adminApi('runs/search', { experiment_ids: ['0'], max_results: 100 })).runs as Array<{ info: { run_id: string; run_name: string } }>;
  assert.ok(runs.length >= 1, 'the experiment recorded a run');
  await adminApi('registered-models/create', { name: 'clf' });
  await adminApi('model-versions/create', { name: 'clf', source: `runs:/${runs[0].info.run_id}/model`, run_id: runs[0].info.run_id });

  const browser = await launchBrowser(t, 'ui-repo');
  const page = await browser.newPage();
  // Without a token the UI asks for one.
  await page.goto(`${server.url}#/pipeline`);
  await page.locator('.token-prompt').waitFor();
  await page.locator('.token-prompt input').fill(tokens!.read);
  await page.click('button:has-text("Use token")');

  await page.waitForSelector('svg.dag [data-stage="train"]');
  assert.equal(await page.locator('svg.dag [data-stage="prepare"]').getAttribute('data-status'), 'up-to-date');
  assert.equal(await page.locator('svg.dag [data-stage="train"]').getAttribute('data-status'), 'changed');
  assert.match(await page.locator('svg.dag [data-stage="train"] title').textContent() ?? '', /train\.depth/);
  assert.equal(await page.locator('svg.dag .dag-edge').count(), 1, 'prepare → train');
  const tracked = page.locator('[data-testid="tracked-data"]');
  await tracked.waitFor();
  const trackedText = await tracked.innerText();
  for (const p of ['data.csv', 'clean.csv', 'model.txt']) assert.match(trackedText, new RegExp(p.replace('.', '\\.')));
  await browser.screenshot(page, 'pipeline');

  // What changed between the two commits.
  await page.locator('input[placeholder="e.g. HEAD~1"]').fill('HEAD~1');
  await page.click('button:has-text("Show")');
  const changes = page.locator('[data-testid="data-changes"]');
  await changes.waitFor();
  const changed = await changes.innerText();
  assert.match(changed, /data\.csv\s+modified/);
  assert.match(changed, /clean\.csv\s+modified/);
  await browser.screenshot(page, 'pipeline-changes');

  // The experiment's run: where its data came from.
  const expRun = runs.find((r) => r.info.run_name === 'faster') ?? runs[0];
  await page.goto(`${server.url}#/runs/${expRun.info.run_id}`);
  const lineage = page.locator('[data-testid="lineage"]');
  await lineage.waitFor();
  assert.match(await lineage.innerText(), /data\.csv/);
  await browser.screenshot(page, 'run-lineage');

  // A stage's run shows what its command printed.
  const stageRun = runs.find((r) => r.info.run_name === 'train');
  assert.ok(stageRun, `a run of the train stage among ${runs.map((r) => r.info.run_name)}`);
  await page.goto(`${server.url}#/runs/${stageRun.info.run_id}`);
  const logs = page.locator('[data-testid="run-logs"]');
  await logs.locator('pre.log', { hasText: 'trained' }).first().waitFor();
  assert.match(await logs.innerText(), /logs\/train/);
  await browser.screenshot(page, 'run-logs');

  // A read-only token may look at the registry but not move an alias: the dialog's confirm says why it failed.
  await page.goto(`${server.url}#/models?model=clf`);
  await page.waitForSelector('[data-testid="version-1"]');
  await page.getByLabel('alias for v1').fill('prod');
  await page.locator('[data-testid="version-1"] button', { hasText: 'Set alias' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  const message = page.locator('.error-box');
  await message.waitFor();
  assert.match(await message.innerText(), /Your token may only read/);
  assert.match(await message.innerText(), /cairn server token create --scope write/);
  await browser.screenshot(page, 'models-read-only');
  const model = await adminApi('registered-models/get', { name: 'clf' }, 'GET');
  assert.equal(model.registered_model.name, 'clf');
  assert.deepEqual(model.registered_model.aliases ?? [], [], 'nothing changed');

  // The only console errors are the 401 before the token and the 403 of the refused promotion.
  assert.deepEqual(browser.errors.filter((e) => !/401|403/.test(e)), []);
});
