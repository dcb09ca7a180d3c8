import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { seedRuns } from '../helpers/seedRuns.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Retries `check` until it passes or 10 s have gone by (a bulk action finishes after its dialog closes). */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (let started = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() - started > 10_000) throw err;
    }
  }
}

// The callbacks of page.evaluate/waitForFunction run in the page; their globals, for the type checker only.
declare const document: any;
declare const location: any;

/** The experiments list and the runs table in a real Chromium against a server seeded over the MLflow API. */
test('web UI: experiments and runs', { timeout: 180_000 }, async (t) => {
  assert.ok(existsSync(path.join(PROJECT_ROOT, 'dist', 'web', 'index.html')), 'the UI is built (npm run build)');
  const server: TestServer = await startTestServer(t);
  const { experimentId } = await seedRuns(server, { experiment: 'cats', runs: 60, params: 3, metrics: 2, runningEvery: 20 });
  await seedRuns(server, { experiment: 'dogs', runs: 3 });
  const browser: TestBrowser = await launchBrowser(t, 'runs-ui');
  const it = (name: string, optionsOrFn: object | (() => Promise<void>), fn?: () => Promise<void>) =>
    typeof optionsOrFn === 'function' ? t.test(name, optionsOrFn as () => Promise<void>) : t.test(name, optionsOrFn, fn!);

  await it('the experiments list shows each experiment with its run count, and the search narrows it', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('tr[data-experiment-id]');
    const cats = page.locator(`tr[data-experiment-id="${experimentId}"]`);
    assert.match(await cats.innerText(), /cats[\s\S]*60/);
    await browser.screenshot(page, 'experiments');
    await page.fill('input[aria-label="Search experiments"]', 'dog');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-experiment-id]').length === 1);
    assert.match(page.url(), /#\/\?q=dog$/);
    await page.click('text=dogs');
    await page.waitForSelector('.rt-row[data-run-id]');
    assert.match(await page.getByTestId('run-count').innerText(), /^3 runs/);
    assert.deepEqual(browser.errors, []);
  });

  await it('the runs table loads, the filter narrows it, and a bad filter points at its column', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/experiments/${experimentId}`);
    await page.waitForSelector('.rt-row[data-run-id]');
    assert.match(await page.getByTestId('run-count').innerText(), /^60 runs/);
    await browser.screenshot(page, 'runs');
    const filter = page.locator('input[aria-label="Filter runs"]');
    await filter.fill("params.optimizer = 'sgd' and metrics.acc > 0.5");
    await filter.press('Enter');
    await page.waitForFunction(() => /^\d+ runs?/.test(document.querySelector('[data-testid=run-count]')!.textContent!) && !document.querySelector('[data-testid=run-count]')!.textContent!.startsWith('60'));
    // sgd is every third run (i % 3 == 1); acc = (i*37 % 100)/100 (+ a step bonus below 0.01).
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === 1 && ((i * 37) % 100) / 100 + 0.002 > 0.5).length;
    assert.equal(await page.locator('.rt-row[data-run-id]').count(), expected);
    assert.equal(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('filter'), "params.optimizer = 'sgd' and metrics.acc > 0.5");
    await filter.fill('metrics.acc >> 1');
    const problem = page.locator('.filter-problem');
    await problem.waitFor();
    assert.match(await problem.innerText(), /^column 14: /);
    await browser.screenshot(page, 'filter-error');
    assert.deepEqual(browser.errors, []);
  });

  await it('key completion offers the experiment\'s keys', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/experiments/${experimentId}`);
    await page.waitForSelector('.rt-row[data-run-id]');
    const filter = page.locator('input[aria-label="Filter runs"]');
    await filter.click();
    await filter.pressSequentially('metrics.l');
    await page.waitForSelector('.suggestions li');
    assert.deepEqual(await page.locator('.suggestions li').allInnerTexts(), ['metrics.loss']);
    await filter.press('Tab');
    assert.equal(await filter.inputValue(), 'metrics.loss');
    assert.deepEqual(browser.errors, []);
  });

  await it('sorting by a metric orders the rows, and the sort is in the URL', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/experiments/${experimentId}`);
    await page.waitForSelector('.rt-row[data-run-id]');
    await page.locator('[data-column="metrics.acc"] .rt-sort').click();
    await page.locator('[data-column="metrics.acc"] .rt-sort').click();
    await page.waitForFunction(() => location.hash.includes('sort=metrics.acc%3Adesc') || location.hash.includes('sort=metrics.acc:desc'));
    const headers = await page.locator('[role=columnheader]').evaluateAll((hs: any[]) => hs.map((h) => h.getAttribute('data-column')));
    const col = headers.indexOf('metrics.acc');
    const values: number[] = await page
      .locator('.rt-row[data-run-id]')
      .evaluateAll((rows: any[], c: number) => rows.slice(0, 10).map((r) => Number(r.querySelectorAll('[role=gridcell]')[c].querySelector('span')?.title)), col);
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
    assert.ok(values[0] >= 0.99, `the best acc comes first: ${values[0]}`);
    await browser.screenshot(page, 'sorted');
    // The same URL in a new page shows the same order.
    const again = await browser.newPage();
    await again.goto(page.url());
    await again.waitForSelector('.rt-row[data-run-id]');
    assert.equal(await again.locator('.rt-row[data-run-id]').first().getAttribute('data-run-id'), await page.locator('.rt-row[data-run-id]').first().getAttribute('data-run-id'));
    assert.deepEqual(browser.errors, []);
  });

  await it('a column edge drags to a new width that the URL keeps; the keyboard moves it too, a double-click resets it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/experiments/${experimentId}`);
    await page.waitForSelector('.rt-row[data-run-id]');
    const head = page.locator('[data-column="metrics.acc"]');
    const before = (await head.boundingBox())!.width;
    const handle = page.getByRole('separator', { name: 'Resize acc' });
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 40, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + 80, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => /[?&]w=metrics\.acc(%3A|:)\d+/.test(location.hash));
    const after = (await head.boundingBox())!.width;
    assert.ok(Math.abs(after - before - 80) <= 4, `dragged 80 px: ${before} → ${after}`);
    // The cells follow their header.
    const col = (await page.locator('[role=columnheader]').evaluateAll((hs: any[]) => hs.map((h) => h.getAttribute('data-column')))).indexOf('metrics.acc');
    const cell = await page.locator('.rt-row[data-run-id]').first().locator('[role=gridcell]').nth(col).boundingBox();
    assert.ok(Math.abs(cell!.width - after) <= 1, `cell ${cell!.width} vs header ${after}`);
    // Not a column move: the order is what it was.
    assert.equal(col, (await page.locator('[role=columnheader]').evaluateAll((hs: any[]) => hs.map((h) => h.getAttribute('data-column')))).indexOf('metrics.acc'));
    await handle.focus();
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((w) => Math.abs(document.querySelector('[data-column="metrics.acc"]')!.getBoundingClientRect().width - w) < 2, after - 10);
    // A shared link opens at the same width.
    const again = await browser.newPage();
    await again.goto(page.url());
    await again.waitForSelector('.rt-row[data-run-id]');
    assert.ok(Math.abs((await again.locator('[data-column="metrics.acc"]').boundingBox())!.width - (after - 10)) <= 1);
    await handle.dblclick();
    await page.waitForFunction(() => !/[?&]w=/.test(location.hash));
    assert.ok(Math.abs((await head.boundingBox())!.width - before) <= 1, 'back to the default width');
    assert.deepEqual(browser.errors, []);
  });

  await it('selecting runs (click, shift-click, keyboard) enables Compare with their ids', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/experiments/${experimentId}`);
    await page.waitForSelector('.rt-row[data-run-id]');
    const compare = page.getByTestId('compare');
    assert.equal(await compare.getAttribute('aria-disabled'), 'true');
    const rows = page.locator('.rt-row[data-run-id]');
    await rows.nth(0).locator('input[type=checkbox]').click();
    await rows.nth(3).locator('input[type=checkbox]').click({ modifiers: ['Shift'] });
    await page.waitForFunction(() => document.querySelectorAll('.rt-row.selected').length === 4);
    assert.equal(await compare.getAttribute('aria-disabled'), 'false');
    // Keyboard: the cursor is on row 3; ↓ then Space selects row 4.
    await page.locator('.runs-table').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelectorAll('.rt-row.selected').length === 5);
    const ids = await rows.evaluateAll((els: any[]) => els.slice(0, 5).map((e) => e.getAttribute('data-run-id')));
    const href = decodeURIComponent((await compare.getAttribute('href'))!);
    assert.equal(href, `#/compare?runs=${ids.join(',')}`);
    await browser.screenshot(page, 'selected');
    assert.deepEqual(browser.errors, []);
  });

  await it('grouping by a param, the column picker and bulk delete/restore', async () => {
    const page = await browser.newPage({ colorScheme: 'dark' });
    await page.goto(`${server.url}#/experiments/${experimentId}`);
    await page.waitForSelector('.rt-row[data-run-id]');
    await page.selectOption('select[aria-label="Group by"]', 'params.optimizer');
    await page.waitForSelector('.rt-group');
    // Collapsed groups take one row each, so all three fit on screen.
    for (let i = 0; i < 3; i++) await page.locator('.rt-group').nth(i).click();
    assert.deepEqual((await page.locator('.rt-group').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()).sort(), ['▸ adam 20 runs', '▸ rmsprop 20 runs', '▸ sgd 20 runs']);
    await browser.screenshot(page, 'grouped-dark');
    await page.selectOption('select[aria-label="Group by"]', '');
    await page.click('text=Columns (');
    await page.locator('.picker-item', { hasText: 'team' }).locator('input').check();
    await page.waitForSelector('[data-column="tags.team"]');
    await page.keyboard.press('Escape');
    await page.mouse.click(5, 300);
    // Delete two runs, see them under "Deleted runs", restore them.
    const rows = page.locator('.rt-row[data-run-id]');
    await rows.nth(0).locator('input[type=checkbox]').click();
    await rows.nth(1).locator('input[type=checkbox]').click();
    // Tag them first, through the page's own dialog: a key is required, then both runs carry the tag.
    await page.click('button:has-text("Tag…")');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').fill('=oops');
    await dialog.getByRole('button', { name: 'Tag' }).click();
    assert.match(await dialog.getByRole('alert').innerText(), /key may not be empty/);
    await dialog.getByRole('textbox').fill('reviewed = yes');
    await browser.screenshot(page, 'bulk-tag-dialog');
    await dialog.getByRole('button', { name: 'Tag' }).click();
    await dialog.waitFor({ state: 'detached' });
    const selectedIds = await rows.evaluateAll((els) => els.filter((e) => e.classList.contains('selected')).map((e) => e.getAttribute('data-run-id')!));
    assert.equal(selectedIds.length, 2);
    for (const id of selectedIds) {
      await eventually(async () => {
        const got = await server.api('runs/get', { run_id: id }, 'GET');
        assert.ok(got.json.run.data.tags.some((tg: { key: string; value: string }) => tg.key === 'reviewed' && tg.value === 'yes'), JSON.stringify(got.json.run.data.tags));
      });
    }
    // Delete asks first; Escape cancels and nothing is deleted.
    await page.click('.selection-bar button:has-text("Delete")');
    assert.match(await dialog.innerText(), /Delete 2 runs\? They can be restored/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.ok((await page.locator('[data-testid=run-count]').innerText()).startsWith('60 runs'));
    await page.click('.selection-bar button:has-text("Delete")');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=run-count]')!.textContent!.startsWith('58 runs'));
    await page.selectOption('select[aria-label="Show"]', 'deleted');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-count]')!.textContent!.startsWith('2 runs'));
    await page.locator('input[aria-label="Select all runs"]').check();
    await page.click('button:has-text("Restore")');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-count]')!.textContent!.startsWith('0 runs'));
    const active = await server.api('runs/search', { experiment_ids: [experimentId], max_results: 1000 });
    assert.equal(active.json.runs.length, 60);
    assert.deepEqual(browser.errors, []);
  });

  await it('running runs update live, and runs started since appear', { timeout: 40_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/experiments/${experimentId}`);
    await page.waitForSelector('.rt-row[data-run-id]');
    // Run 40 was left RUNNING by the seed; finish it, and start one more.
    const all = await server.api('runs/search', { experiment_ids: [experimentId], filter: "attributes.run_name = 'run-0040'" });
    const running = all.json.runs[0].info.run_id as string;
    const row = page.locator(`.rt-row[data-run-id="${running}"]`);
    assert.equal(await row.locator('.status').innerText(), 'RUNNING');
    await server.api('runs/update', { run_id: running, status: 'FINISHED', end_time: Date.UTC(2026, 0, 2) });
    const fresh = (await server.api('runs/create', { experiment_id: experimentId, run_name: 'late-arrival', start_time: Date.UTC(2026, 0, 3) })).json.run.info.run_id as string;
    await page.waitForFunction((id) => document.querySelector(`.rt-row[data-run-id="${id}"] .status`)?.textContent === 'FINISHED', running, { timeout: 15_000 });
    await page.locator(`.rt-row[data-run-id="${fresh}"]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.rt-row[data-run-id]').first().getAttribute('data-run-id'), fresh, 'the newest run comes first');

    // With a filter on: a running run whose new metric no longer matches leaves the table at the next refresh.
    await page.locator('input[aria-label="Filter runs"]').fill('metrics.acc > 0.5');
    await page.click('button:has-text("Apply")');
    const live = (await server.api('runs/create', { experiment_id: experimentId, run_name: 'live-one', start_time: Date.UTC(2026, 0, 4) })).json.run.info.run_id as string;
    await server.api('runs/log-metric', { run_id: live, key: 'acc', value: 0.9, timestamp: Date.UTC(2026, 0, 4), step: 0 });
    await page.locator(`.rt-row[data-run-id="${live}"]`).waitFor({ timeout: 15_000 });
    await server.api('runs/log-metric', { run_id: live, key: 'acc', value: 0.1, timestamp: Date.UTC(2026, 0, 4) + 1, step: 1 });
    await page.locator(`.rt-row[data-run-id="${live}"]`).waitFor({ state: 'detached', timeout: 15_000 });
    assert.deepEqual(browser.errors, []);
  });
});
