import { spawn } from 'node:child_process';
import { accessSync, constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CairnError } from '../../core/errors.js';
import type { RenderedPlot } from './renderPlot.js';

/** PNG images of plots through a headless Chromium, the one renderer that draws our SVG exactly as a browser does. */

const TIMEOUT_MS = 60_000;

/** The `chromium` executable on the given PATH, or null. */
export function findChromium(env: Record<string, string | undefined>): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder; try the next.
    }
  }
  return null;
}

/** The error for `--format png` on a machine without Chromium. */
export function chromiumMissing(): CairnError {
  return new CairnError('NOT_FOUND', 'writing PNG images needs Chromium, and there is no `chromium` on the PATH', {
    hint: 'install it (Debian/Ubuntu: `apt-get install chromium`), or use `--format svg` (or html)',
  });
}

function run(exe: string, args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

/** Writes `plot` as a PNG of its own size at `target`, working in `scratch` (a folder the caller removes). */
export async function rasterizeSvg(plot: RenderedPlot, target: string, options: { chromium: string; scratch: string; env: Record<string, string | undefined> }): Promise<void> {
  const page = path.join(options.scratch, `${path.basename(target)}.html`);
  await fs.writeFile(page, `<!DOCTYPE html><html><body style="margin:0;background:#fff">${plot.svg}</body></html>`);
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--hide-scrollbars',
    // A profile of its own: a user's running browser (or another cairn) must not lock it or leak state into it.
    `--user-data-dir=${path.join(options.scratch, 'profile')}`,
    `--screenshot=${target}`, `--window-size=${plot.width},${plot.height}`, pathToFileURL(page).href,
  ];
  const { code, stderr } = await run(options.chromium, args, options.env);
  const written = await fs.stat(target).then((s) => s.size > 0, () => false);
  if (code !== 0 || !written) {
    throw new CairnError('INTERNAL', `chromium could not write ${target} (exit code ${code}): ${stderr.trim().split('\n').pop() ?? ''}`, {
      hint: 'run the same command with `--format svg`, or check that chromium starts (`chromium --headless --version`)',
    });
  }
}
