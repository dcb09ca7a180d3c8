/**
 * The compare, run, pipeline and models views in a real Chromium against a seeded in-process server: each loads
 * without console errors, compare draws a chart per metric, the artifact preview shows a file, and promotion moves an
 * alias. Screenshots go to .cache/screenshots/ui-views/ (look at them).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Metric } from '../../src/tracking/entities.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function seed(server: TestServer): Promise<string[]> {
  const ids: string[] = [];
  for (let r = 0; r < 3; r++) {
    const run = await server.ctx.tracking.createRun({ experiment_id: '0', run_name: `run-${r}`, start_time: 1_700_000_000_000 });
    const metrics: Metric[] = [];
    for (let i = 0; i < 5000; i++) {
      metrics.push({ key: 'loss', value: Math.exp(-i / 1000) * (1 + r / 3) + (i === 2500 ? 3 : 0), timestamp: 1_700_000_000_000 + i * 100, step: i });
      if (i % 10 === 0) metrics.push({ key: 'acc', value: 1 - Math.exp(-i / 800) / (r + 1), timestamp: 1_700_000_000_000 + i * 100, step: i });
    }
    await server.ctx.tracking.write([
      { op: 'logBatch', run_id: run.run_id, metrics, params: [{ key: 'lr', value: String(0.1 * (r + 1)) }, { key: 'opt', value: 'adam' }], tags: [{ key: 'mlflow.source.git.commit', value: 'abc123' }] },
      { op: 'updateRun', run_id: run.run_id, status: 'FINISHED', end_time: 1_700_000_500_000 } as never,
    ]);
    ids.push(run.run_id);
  }
  return ids;
}

test('compare, run page, models and pipeline load in Chromium; charts draw, a preview shows, promotion moves the alias', async (t) => {
  const server = await startTestServer(t);
  const ids = await seed(server);
  // An artifact for the run page's preview.
  const run = await server.ctx.tracking.getRun(ids[0]);
  const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/+/, '');
  const put = await fetch(`${server.url.replace(/\/$/, '')}/api/2.0/mlflow-artifacts/artifacts/${root}/metrics.json`, { method: 'PUT', body: JSON.stringify({ acc: 0.93, f1: 0.9 }) });
  assert.equal(put.status, 200, await put.text());
  assert.equal((await server.api('registered-models/create', { name: 'clf' })).status, 200);
  for (const id of ids.slice(0, 2)) assert.equal((await server.api('model-versions/create', { name: 'clf', source: `runs:/${id}/model`, run_id: id })).status, 200);
  assert.equal((await server.api('registered-models/alias', { name: 'clf', alias: 'champion', version: '1' })).status, 200);

  const browser = await launchBrowser(t, 'ui-views');
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const go = (hash: string) => page.goto(`${server.url.replace(/\/$/, '')}/#${hash}`);
  const shot = (p: typeof page, name: string) => browser.screenshot(p, name);

  await go(`/compare?runs=${ids.join(',')}`);
  await page.waitForSelector('[data-testid="chart-loss"] canvas');
  await page.waitForSelector('[data-testid="chart-acc"] canvas');
  assert.ok(await page.locator('.compare-table td', { hasText: 'lr' }).count(), 'lr differs, so it is listed');
  assert.equal(await page.locator('.compare-table td', { hasText: 'opt' }).count(), 0, 'opt is the same everywhere: hidden');
  assert.equal(await page.locator('svg.parallel polyline').count(), 3);
  await shot(page, 'compare');

  // Dragging across the loss chart fetches that range again, finer, from the server; a double click zooms out.
  const over = page.locator('[data-testid="chart-loss"] .u-over');
  const box = (await over.boundingBox())!;
  const refetch = page.waitForRequest((r) => /metrics\/downsampled\?.*key=loss.*from=\d+.*to=\d+/.test(r.url()) || /metrics\/downsampled\?.*from=\d+.*key=loss/.test(r.url()));
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const zoomed = new URL((await refetch).url());
  const [from, to] = [Number(zoomed.searchParams.get('from')), Number(zoomed.searchParams.get('to'))];
  assert.ok(from > 1000 && to < 4000 && from < to, `the dragged range of steps: ${from}..${to}`);
  await page.getByRole('button', { name: 'reset zoom' }).waitFor();
  await shot(page, 'compare-zoomed');
  await over.dblclick();
  await page.getByRole('button', { name: 'reset zoom' }).waitFor({ state: 'detached' });

  await go(`/runs/${ids[0]}`);
  await page.waitForSelector('[data-testid="chart-loss"] canvas');
  await page.getByRole('button', { name: 'metrics.json' }).click();
  await page.waitForSelector('[data-testid="artifact-preview"] pre');
  assert.match(await page.locator('[data-testid="artifact-preview"] pre').innerText(), /"acc": 0.93/);
  await shot(page, 'run');

  await go('/models?model=clf');
  await page.waitForSelector('[data-testid="version-2"]');
  await page.getByLabel('alias for v2').fill('champion');
  await page.locator('[data-testid="version-2"] button', { hasText: 'Set alias' }).click();
  assert.match(await page.getByRole('dialog').innerText(), /Move @champion of clf from v1 to v2/);
  await shot(page, 'models-confirm');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('[data-testid="aliases"]', { hasText: '@champion → v2' }).waitFor();
  const alias = await server.api('registered-models/alias', { name: 'clf', alias: 'champion' }, 'GET');
  assert.equal(alias.json.model_version.version, '2');
  await shot(page, 'models');
  // Demote: the alias goes after a confirmation.
  await page.getByRole('button', { name: 'Demote: remove @champion' }).click();
  assert.match(await page.getByRole('dialog').innerText(), /Remove @champion of clf from v2\?/);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.locator('[data-testid="aliases"]', { hasText: 'none' }).waitFor();
  assert.deepEqual((await server.api('registered-models/get', { name: 'clf' }, 'GET')).json.registered_model.aliases ?? [], []);

  await go('/pipeline');
  await page.waitForSelector('.error-box, svg.dag');
  await shot(page, 'pipeline-no-repo');
  // The server here was not started in a repository: the pipeline view says so (a 404 with a hint) and nothing else fails.
  const pipelineErrors = browser.errors.filter((e) => !/404/.test(e));
  assert.deepEqual(pipelineErrors, [], 'no console errors');
});
