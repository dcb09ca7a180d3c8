// Issue 9 measurements: the web UI in Chromium (playwright-core driving /usr/bin/chromium) against `cairn server`
// seeded with 10,000 runs × 20 params × 10 metrics (scaled by BENCH_SCALE): the time until the runs table is
// interactive after navigation, sorting every loaded run by a metric, and the built JavaScript's gzipped size.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { distDir, human, row, seedRuns } from './harness.mjs';
import { startCairnServer } from './serverBench.mjs';

const CHROMIUM = process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const TARGET = { interactive: 1, sort: 0.2, jsKiB: 500 };

export async function benchUi(ctx, attempt) {
  const { dir, log, rows } = ctx;
  const section = 'ui';
  const web = path.join(distDir(dir), 'web', 'assets');
  if (!existsSync(web)) throw new Error(`the web UI is not built (${web}): npm run build`);
  const js = readdirSync(web).filter((f) => f.endsWith('.js'));
  const gz = js.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(web, f)), { level: 9 }).length, 0);
  rows.push(row({ section, name: `built UI JavaScript, gzipped (${js.length} file${js.length === 1 ? '' : 's'}; target < 500 KiB)`, cairnSeconds: gz / 1024, kind: 'absolute', target: TARGET.jsKiB, unit: 'KiB' }));
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (bash scripts/setup.sh test installs it)`);

  const count = Math.max(1000, Math.round(10_000 * Math.min(1, ctx.scale * 10)));
  const db = path.join(dir, 'ui-tracking.db');
  log(`ui: seeding ${human(count)} runs × 22 params × 12 metrics`);
  seedRuns(ctx, db, count, { params: 20, metrics: 10 });
  const { chromium } = await import('playwright-core');
  const server = await startCairnServer(ctx, `sqlite://${db}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    await attempt('ui runs table', async () => {
      const times = [];
      const sorts = [];
      for (let i = 0; i < 3; i++) {
        // A fresh context each time: nothing cached, as a first visit.
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        const page = await context.newPage();
        const started = process.hrtime.bigint();
        await page.goto(`${server.url}#/experiments/0`);
        await page.waitForSelector('.rt-row[data-run-id]');
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        // Sorting is measured once every run is loaded (then it happens in the page, as a user sees it).
        await page.waitForFunction((n) => document.querySelector('[data-testid=run-count]')?.textContent === `${n.toLocaleString()} runs`, count, { timeout: 60_000 });
        sorts.push(await page.evaluate(sortOnce, 'metrics.m3'));
        await context.close();
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      rows.push(row({ section, name: `runs table interactive after navigation, ${human(count)} runs × 20 params × 10 metrics (first rows drawn, median of 3; target < 1 s)`, cairnSeconds: median(times), kind: 'absolute', target: TARGET.interactive, unit: 's' }));
      rows.push(row({ section, name: `sort all ${human(count)} loaded runs by a metric, click to the next frame (median of 3; target < 200 ms)`, cairnSeconds: median(sorts), kind: 'absolute', target: TARGET.sort, unit: 'ms' }));
    });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** In the page: clicks a column's sort button and resolves, in seconds, once the sorted rows have been painted. */
function sortOnce(column) {
  return new Promise((resolve) => {
    const header = document.querySelector(`[data-column="${column}"]`);
    const first = document.querySelector('.rt-row[data-run-id]')?.getAttribute('data-run-id');
    const started = performance.now();
    header.querySelector('.rt-sort').click();
    const done = () => {
      const now = document.querySelector('.rt-row[data-run-id]')?.getAttribute('data-run-id');
      if (header.getAttribute('aria-sort') === 'ascending' && now !== first) requestAnimationFrame(() => resolve((performance.now() - started) / 1000));
      else requestAnimationFrame(done);
    };
    done();
  });
}
