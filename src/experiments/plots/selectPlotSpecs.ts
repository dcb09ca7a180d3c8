import { CairnError } from '../../core/errors.js';
import { didYouMean } from '../../core/didYouMean.js';
import { parseTemplate, type PlotSpec } from './plotSpec.js';

/** Which plots a command draws: all declared ones, or those its targets name; then the command line's overrides. Pure. */

export interface PlotTarget {
  /** As typed: a plot id, a stage name or a path. */
  raw: string;
  /** The path relative to the repository root (for a file target). */
  path: string;
  /** Whether a file exists at that path in the workspace or at one of the revisions compared. */
  exists: boolean;
}

/** Options given on the command line, applied to every plot drawn (as `dvc plots show -t -x -y` do). */
export interface PlotOverrides {
  template?: string;
  x?: string;
  y?: string[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

function select(declared: PlotSpec[], targets: PlotTarget[]): PlotSpec[] {
  if (targets.length === 0) return declared;
  const chosen = new Map<string, PlotSpec>();
  for (const t of targets) {
    const hits = declared.filter((s) => s.id === t.raw || s.id === t.path || s.stage === t.raw || s.stage?.split('@')[0] === t.raw);
    // A file inside a declared plots folder takes the folder's options.
    const folder = declared.find((s) => s.y.length === 1 && t.path.startsWith(`${s.id}/`));
    if (hits.length) for (const h of hits) chosen.set(h.id, h);
    else if (folder) chosen.set(t.path, { ...folder, id: t.path, y: [{ ...folder.y[0], file: t.path }] });
    else if (t.exists) chosen.set(t.path, { id: t.path, template: 'linear', y: [{ file: t.path }], source: 'a target file' });
    else {
      const guess = didYouMean(t.raw, [...declared.map((s) => s.id), ...declared.flatMap((s) => (s.stage ? [s.stage] : []))]);
      throw new CairnError('NOT_FOUND', `no plot, stage or plot file named "${t.raw}"`, {
        hint: guess ? `did you mean "${guess}"?` : declared.length ? `declared plots: ${declared.map((s) => s.id).join(', ')}` : 'name a CSV, TSV, JSON or YAML file, or declare plots on a stage in cairn.yaml',
        data: { target: t.raw },
      });
    }
  }
  return [...chosen.values()];
}

function override(spec: PlotSpec, o: PlotOverrides): PlotSpec {
  const next: PlotSpec = { ...spec };
  if (o.template !== undefined) next.template = parseTemplate(o.template, 'the --template option');
  if (o.x !== undefined) next.x = { field: o.x };
  if (o.y?.length) {
    const files = [...new Set(spec.y.map((r) => r.file))];
    next.y = files.flatMap((file) => o.y!.map((field) => ({ file, field })));
  }
  if (o.title !== undefined) next.title = o.title;
  if (o.xLabel !== undefined) next.xLabel = o.xLabel;
  if (o.yLabel !== undefined) next.yLabel = o.yLabel;
  return next;
}

/** The plots to draw, in a stable order (declared order, targets' order for new files). */
export function selectPlotSpecs(declared: PlotSpec[], targets: PlotTarget[], overrides: PlotOverrides = {}): PlotSpec[] {
  return select(declared, targets).map((s) => override(s, overrides));
}
