import { existsSync } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { pipelineAt } from '../../pipeline/metrics.js';
import { expandPlotDirs } from './expandPlotDirs.js';
import { collectPlots, type CollectedPlot, type PlotSide } from './collectPlots.js';
import { specFiles, type PlotSpec } from './plotSpec.js';
import { plotFilesIn } from './plotFilesIn.js';
import { plotSpecs } from './plotSpecs.js';
import { readPlotBytes } from './readPlotBytes.js';
import type { HtmlPlot } from './renderPlotsHtml.js';
import { selectPlotSpecs, type PlotOverrides } from './selectPlotSpecs.js';

/** Everything `plots show` and `plots diff` do before drawing: which plots, and their data at each side. */

export interface PreparePlotsOptions {
  sides: PlotSide[];
  /** Targets as typed, and as repo-relative paths. */
  targets: { raw: string; path: string }[];
  overrides?: PlotOverrides;
}

export interface PreparedPlots {
  /** Plots with data, in order, ready to draw. */
  drawn: HtmlPlot[];
  collected: CollectedPlot[];
  /** What people should know: files missing at a side, plots with nothing to draw. */
  warnings: string[];
}

/**
 * The plots declared at every side, in declaration order; a later side's declaration of the same plot wins (the
 * newest options) and keeps the place of the first.
 */
async function declaredSpecs(repo: Repo, sides: PlotSide[]): Promise<PlotSpec[]> {
  const byId = new Map<string, PlotSpec>();
  for (const side of sides) for (const spec of plotSpecs(await pipelineAt(repo, side.rev))) byId.set(spec.id, spec);
  return [...byId.values()];
}

/** Whether a target names a file or folder at some side (in Git, or cached through that revision's cairn.lock). */
async function existsAtSomeSide(repo: Repo, file: string, sides: PlotSide[]): Promise<boolean> {
  for (const side of sides) {
    if (side.rev === undefined) {
      if (existsSync(path.join(repo.root, file))) return true;
    } else if ('bytes' in (await readPlotBytes(repo, file, side.rev)) || (await plotFilesIn(repo, file, side.rev)) !== null) return true;
  }
  return false;
}

/** The plots to draw at the sides asked for; a plot named by a target that has nothing to draw is an error. */
export async function preparePlots(repo: Repo, options: PreparePlotsOptions): Promise<PreparedPlots> {
  const { sides } = options;
  const declared = await declaredSpecs(repo, sides);
  const targets = await Promise.all(options.targets.map(async (t) => ({ ...t, exists: await existsAtSomeSide(repo, t.path, sides) })));
  const specs = await expandPlotDirs(repo, selectPlotSpecs(declared, targets, options.overrides), sides);
  if (specs.length === 0) {
    throw new CairnError('NOT_FOUND', 'no plots to draw: no stage in cairn.yaml declares a plots file', {
      hint: 'declare one on a stage (`plots: [metrics.csv: {x: epoch, y: loss}]`), or name a plots file: `cairn plots show metrics.csv`',
    });
  }
  const collected = await collectPlots(repo, { specs, sides });
  const named = new Set(targets.map((t) => t.path).concat(targets.map((t) => t.raw)));
  const warnings: string[] = [];
  const drawn: HtmlPlot[] = [];
  for (const c of collected) {
    if (c.data || c.images.length) {
      for (const note of c.notes) warnings.push(`${c.spec.id}: ${note}`);
      const title = c.data?.title ?? c.spec.title ?? c.spec.id;
      drawn.push({ id: c.spec.id, title, ...(c.data ? { data: c.data } : {}), images: c.images, source: c.spec.source, files: specFiles(c.spec), notes: c.notes });
      continue;
    }
    // A plot asked for by name fails loudly; one of many declared plots is only a warning, so the others still show.
    if (c.error && (named.has(c.spec.id) || (c.spec.stage !== undefined && named.has(c.spec.stage)))) throw c.error;
    warnings.push(`${c.spec.id}: nothing to plot${c.notes.length ? ` (${c.notes.join('; ')})` : ''}`);
  }
  if (drawn.length === 0) {
    const first = collected.find((c) => c.error)?.error;
    if (first) throw first;
    throw new CairnError('NOT_FOUND', 'no plot has data to draw', { hint: 'run `cairn repro` to produce the plots files' });
  }
  return { drawn, collected, warnings };
}
