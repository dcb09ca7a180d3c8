import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { fromSystemError } from '../../core/errors.js';
import { chromiumMissing, findChromium, rasterizeSvg } from './rasterizeSvg.js';
import { renderPlot } from './renderPlot.js';
import { renderPlotsHtml, type HtmlPlot } from './renderPlotsHtml.js';

/** Writes drawn plots: one HTML page, or one SVG or PNG image a plot in a folder. */

export type PlotFormat = 'html' | 'svg' | 'png';
export const PLOT_FORMATS: PlotFormat[] = ['html', 'svg', 'png'];

/** A file name for each plot id (`plots/pr.csv` → `plots_pr`), numbered when two would clash. Pure. */
export function imageNames(ids: string[], ext: string): string[] {
  const taken = new Set<string>();
  return ids.map((id) => {
    const base = id.replace(/\.(csv|tsv|json|ya?ml)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'plot';
    let name = `${base}.${ext}`;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}.${ext}`;
    taken.add(name);
    return name;
  });
}

export interface WritePlotsOptions {
  format: PlotFormat;
  /** The HTML file, or the folder for images. */
  out: string;
  revisions: string[];
  plots: HtmlPlot[];
  env: Record<string, string | undefined>;
}

/** Writes the plots and returns the files written (absolute paths). */
export async function writePlotFiles(options: WritePlotsOptions): Promise<string[]> {
  const { format, out, plots } = options;
  const chromium = format === 'png' ? findChromium(options.env) : null;
  if (format === 'png' && !chromium) throw chromiumMissing();
  const dir = format === 'html' ? path.dirname(out) : out;
  await fs.mkdir(dir, { recursive: true }).catch((err) => { throw fromSystemError(err, `could not create ${dir}`); });
  if (format === 'html') {
    await writeFileAtomic(out, renderPlotsHtml({ revisions: options.revisions, plots }), { fsync: false });
    return [out];
  }
  const names = imageNames(plots.map((p) => p.data.id), format);
  const targets = names.map((n) => path.join(out, n));
  const images = plots.map((p) => renderPlot(p.data));
  if (format === 'svg') {
    await Promise.all(images.map((image, i) => writeFileAtomic(targets[i], `${image.svg}\n`, { fsync: false })));
    return targets;
  }
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-png-'));
  try {
    // One Chromium at a time: each is a whole browser, and the machine may have two cores.
    for (const [i, image] of images.entries()) await rasterizeSvg(image, targets[i], { chromium: chromium!, scratch, env: options.env });
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return targets;
}
