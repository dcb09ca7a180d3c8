/**
 * A headless Chromium for browser tests (playwright-core driving Debian's /usr/bin/chromium): one browser per test
 * file, closed after it; every page's console errors and uncaught exceptions are collected, and screenshots go to a
 * folder the test prints (under .cache/screenshots/, kept for people to look at).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from './cli.js';

export const CHROMIUM = process.env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface TestBrowser {
  browser: Browser;
  /** A new page (its own context, 1280×800, the given color scheme) whose errors land in `errors`. */
  newPage(options?: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } }): Promise<Page>;
  /** "console.error: ..." / "pageerror: ..." lines of every page so far. */
  errors: string[];
  /** Saves a full-page PNG as <dir>/<name>.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Where screenshots go (printed once as a test diagnostic). */
  dir: string;
}

/** Launches Chromium for this test file; `name` names the screenshot folder. */
export async function launchBrowser(t: TestContext, name: string): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`bash scripts/setup.sh test\` (it installs Debian's chromium) or set CAIRN_CHROMIUM`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  const dir = path.join(PROJECT_ROOT, '.cache', 'screenshots', name);
  mkdirSync(dir, { recursive: true });
  t.diagnostic(`screenshots: ${dir}`);
  const errors: string[] = [];
  t.after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser.close();
  });
  return {
    browser,
    errors,
    dir,
    async newPage(options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light' });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      return page;
    },
    async screenshot(page, shot) {
      const file = path.join(dir, `${shot}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
  };
}
