/**
 * Issue 9's "done when", walked in Chromium with clicks only, on the demo's own data: from the experiments list to a
 * comparison of the best runs, to the promoted model and the lineage of the run behind it. The demo runs for real
 * (quick mode, its repository kept), then `cairn server` is started in that repository as the demo leaves it.
 * Screenshots go to .cache/screenshots/demo-journey/.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser.js';
import { PROJECT_ROOT, runNode, tempDir, testEnv } from '../helpers/cli.js';
import { spawnServer } from '../helpers/serverProcess.js';

test('experiments list → compare the best runs → the promoted model → its lineage, without the CLI', { timeout: 300_000 }, async (t) => {
  const tmp = tempDir('cairn-journey-');
  t.after(() => tmp.cleanup());
  const env = { ...testEnv(tmp.dir), TMPDIR: tmp.dir };
  const demo = await runNode(path.join(PROJECT_ROOT, 'scripts', 'demo.mjs'), ['--quick', '--keep', '--stop-server'], { cwd: PROJECT_ROOT, env });
  assert.equal(demo.code, 0, `demo failed:\n${demo.stdout}\n${demo.stderr}`);
  const base = readdirSync(tmp.dir).find((f) => f.startsWith('cairn-demo-'));
  assert.ok(base, 'the demo kept its folder');
  const repo = path.join(tmp.dir, base, 'repo');
  const server = await spawnServer(t, { args: [], cwd: repo, env });

  const browser = await launchBrowser(t, 'demo-journey');
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(server.url);

  // 1. The experiments list: the demo's runs are in the Default experiment.
  const experiment = page.locator('a', { hasText: 'Default' }).first();
  await experiment.waitFor();
  await browser.screenshot(page, '1-experiments');
  await experiment.click();

  // 2. Its runs, best F1 first (click the header: ascending, then descending).
  await page.waitForSelector('.rt-row[data-run-id]');
  const f1 = page.locator('[data-column="metrics.f1"] .rt-sort');
  await f1.click();
  await f1.click();
  await page.waitForFunction(() => /sort=metrics\.f1(%3A|:)desc/.test(location.hash));
  const rows = page.locator('.rt-row[data-run-id]');
  const col = (await page.locator('[role=columnheader]').evaluateAll((hs) => hs.map((h) => h.getAttribute('data-column')))).indexOf('metrics.f1');
  const best = await rows.evaluateAll((els, c) => els.slice(0, 3).map((r) => Number(r.querySelectorAll('[role=gridcell]')[c]?.querySelector('span')?.title)), col);
  assert.ok(best[0] >= best[1] && best[1] >= best[2] && best[0] > 0.5, `F1 descending: ${best}`);
  await rows.nth(0).locator('input[type=checkbox]').click();
  await rows.nth(1).locator('input[type=checkbox]').click();
  await browser.screenshot(page, '2-runs-best-first');

  // 3. Compare them: a chart per metric and the table of what differs.
  await page.click('[data-testid="compare"]');
  // The demo's metrics are one value per run (its metrics file): a bar per run, with the value.
  await page.locator('[data-testid="chart-f1"] .value-bar').nth(1).waitFor();
  assert.match(await page.locator('h1').innerText(), /Comparing 2 runs/);
  const shown = (await page.locator('[data-testid="chart-f1"] .value-bar-value').allInnerTexts()).map(Number);
  assert.equal(shown.length, 2, `one value per selected run: ${shown}`);
  assert.ok(Math.abs(Math.max(...shown) - best[0]) < 1e-6, `the best F1 is among them: ${shown} vs ${best[0]}`);
  await page.locator('.compare-table').waitFor();
  await browser.screenshot(page, '3-compare');

  // 4. The models the demo registered and promoted, and the lineage of the run behind the promoted version.
  await page.click('nav >> text=Models');
  const model = page.locator('.model-list a').first();
  await model.waitFor();
  assert.match(await page.locator('.model-list li').first().innerText(), /spam-filter @prod→v0\.0\.1/);
  await model.click();
  const prod = page.locator('[data-testid="aliases"]', { hasText: '@prod' });
  await prod.waitFor();
  await browser.screenshot(page, '4-models');
  const promoted = page.locator('tr[data-testid^="version-"]', { has: page.locator('.alias', { hasText: 'prod' }) });
  assert.equal(await promoted.locator('td').first().innerText(), 'v0.0.1', 'the Git tag\'s version, as the CLI names it');
  assert.match(await prod.innerText(), /@prod → v0\.0\.1/);
  await promoted.locator('a[href^="#/runs/"]').first().click();
  const lineage = page.locator('[data-testid="lineage"]');
  await lineage.waitFor();
  const text = await lineage.innerText();
  assert.match(text, /data\/mail/, 'the data version the model was trained on');
  await browser.screenshot(page, '5-lineage');

  assert.deepEqual(browser.errors, []);
});
