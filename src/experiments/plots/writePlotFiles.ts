import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { fromSystemError } from '../../core/errors.js';
import { chromiumMissing, findChromium, rasterizeSvg } from './rasterizeSvg.js';
import { renderPlot, type RenderedPlot } from './renderPlot.js';
import { renderPlotsHtml, type HtmlPlot } from './renderPlotsHtml.js';

/** Writes drawn plots: one HTML page, or one SVG or PNG image a plot in a folder (image plots as they are). */

export type PlotFormat = 'html' | 'svg' | 'png';
export const PLOT_FORMATS: PlotFormat[] = ['html', 'svg', 'png'];

/** A file name for each image (`plots/pr.csv` → `plots_pr.svg`), numbered when two would clash. Pure. */
export function imageNames(images: { id: string; ext: string }[]): string[] {
  const taken = new Set<string>();
  return images.map(({ id, ext }) => {
    const base = id.replace(/\.(csv|tsv|json|ya?ml|png|jpe?g|gif|svg)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'plot';
    let name = `${base}.${ext}`;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}.${ext}`;
    taken.add(name);
    return name;
  });
}

/** One file to write: a chart drawn in the chosen format, or an image plot's image as it is. */
type Output = { id: string; ext: string } & ({ chart: RenderedPlot } | { bytes: Buffer });

function outputsOf(plots: HtmlPlot[], format: 'svg' | 'png'): Output[] {
  return plots.flatMap((p): Output[] => {
    if (p.data) return [{ id: p.id, ext: format, chart: renderPlot(p.data) }];
    // An image is written as it is, one a revision in a diff (`confusion-HEAD.png`).
    return p.images.map((img) => ({
      id: p.images.length > 1 ? `${p.id.replace(/\.[^.]+$/, '')}-${img.label}` : p.id,
      ext: path.extname(img.file).slice(1).toLowerCase(),
      bytes: img.bytes,
    }));
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
  const outputs = outputsOf(plots, format);
  const targets = imageNames(outputs).map((n) => path.join(out, n));
  const scratch = format === 'png' ? await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-png-')) : '';
  try {
    // One at a time: a PNG takes a whole Chromium, and the machine may have two cores.
    for (const [i, o] of outputs.entries()) {
      if ('bytes' in o) await writeFileAtomic(targets[i], o.bytes, { fsync: false });
      else if (format === 'svg') await writeFileAtomic(targets[i], `${o.chart.svg}\n`, { fsync: false });
      else await rasterizeSvg(o.chart, targets[i], { chromium: chromium!, scratch, env: options.env });
    }
  } finally {
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  }
  return targets;
}
