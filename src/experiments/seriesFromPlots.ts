import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Metric } from '../tracking/entities.js';
import { safeKey } from './runValues.js';

/** Above this many points a file is read anyway, but no more points than this are taken from it. */
const MAX_POINTS = 1_000_000;

async function filesBelow(abs: string): Promise<string[]> {
  const st = await fs.stat(abs).catch(() => null);
  if (!st) return [];
  if (!st.isDirectory()) return [abs];
  const out: string[] = [];
  for (const e of await fs.readdir(abs, { withFileTypes: true })) out.push(...(await filesBelow(path.join(abs, e.name))));
  return out.sort();
}

/**
 * Metric series from plot files that have a `step` column (DVCLive writes `plots/metrics/<name>.tsv` with
 * timestamp, step and one value column): each other numeric column becomes a series, named as DVCLive names it
 * (the path below `plots/metrics/` without extension) or else by its column. Other plot files are not series.
 */
export async function seriesFromPlots(root: string, plots: string[], now: number): Promise<Metric[]> {
  const out: Metric[] = [];
  for (const plot of plots) {
    for (const file of await filesBelow(path.join(root, plot))) {
      if (!/\.(tsv|csv)$/i.test(file)) continue;
      const text = await fs.readFile(file, 'utf8');
      const sep = file.toLowerCase().endsWith('.tsv') ? '\t' : ',';
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
      const header = lines[0]?.split(sep).map((h) => h.trim()) ?? [];
      const stepAt = header.indexOf('step');
      if (stepAt < 0) continue;
      const timeAt = header.indexOf('timestamp');
      const rel = path.relative(root, file).split(path.sep).join('/');
      const dvclive = /(?:^|\/)plots\/metrics\/(.+)\.(?:tsv|csv)$/i.exec(rel)?.[1];
      const valueCols = header.map((h, i) => [h, i] as const).filter(([, i]) => i !== stepAt && i !== timeAt);
      for (const line of lines.slice(1, MAX_POINTS + 1)) {
        const cells = line.split(sep);
        const step = Number(cells[stepAt]);
        if (!Number.isInteger(step)) continue;
        const ts = timeAt >= 0 ? Number(cells[timeAt]) : NaN;
        for (const [name, i] of valueCols) {
          const value = Number(cells[i]);
          if (cells[i] === undefined || cells[i].trim() === '' || Number.isNaN(value)) continue;
          out.push({ key: safeKey(dvclive && valueCols.length === 1 ? dvclive : name), value, step, timestamp: Number.isFinite(ts) ? Math.round(ts) : now });
        }
      }
    }
  }
  return out;
}
