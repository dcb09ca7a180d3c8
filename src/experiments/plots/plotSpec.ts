import { CairnError } from '../../core/errors.js';

/** What one plot shows, independent of where it was declared (a stage's `plots:`, a top-level `plots:`, a CLI target). */

/** The templates DVC users know, by the same names; `linear` is the default. */
export const PLOT_TEMPLATES = [
  'linear', 'simple', 'scatter', 'smooth', 'confusion', 'confusion_normalized', 'bar_horizontal', 'bar_horizontal_sorted',
] as const;

export type PlotTemplate = (typeof PLOT_TEMPLATES)[number];

export const DEFAULT_TEMPLATE: PlotTemplate = 'linear';

/** What each template draws, for `cairn plots templates` and the docs. */
export const TEMPLATE_DESCRIPTIONS: Record<PlotTemplate, string> = {
  linear: 'lines with a point at each value (the default)',
  simple: 'lines only',
  scatter: 'points only',
  smooth: 'the points, faint, and a moving average through them',
  confusion: 'a matrix counting rows by class: columns x (actual), rows y (predicted)',
  confusion_normalized: 'the same, each row divided by its total',
  bar_horizontal: 'one bar a value of y (the category), as long as x',
  bar_horizontal_sorted: 'the same, longest bar first',
};

/** The x axis: a field of the file each y series comes from, or of one named file (rows matched by position). */
export interface XRef {
  field: string;
  /** Set when x comes from another file than the y series (top-level plots: `x: {epochs.csv: epoch}`). */
  file?: string;
}

/** One y series: a field of a file; no field means the file's last field that is not x (as DVC does). */
export interface YRef {
  file: string;
  field?: string;
}

export interface PlotSpec {
  /** Unique id: the file path of a stage plot, the name of a top-level plot. Targets and section anchors use it. */
  id: string;
  template: PlotTemplate;
  /** No x: the `step` field when the rows have one, else the row number. */
  x?: XRef;
  /** At least one series, from one file or several. */
  y: YRef[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Where it was declared, for people: `stage "train"`, `top-level plots`, `a target file`. */
  source: string;
  /** The stage whose output it is, so a stage name as a target selects its plots. */
  stage?: string;
}

/** The field name x reads by default, when the rows have it (DVCLive writes `step`). */
export const STEP_FIELD = 'step';

/** Checks a template name and returns it typed; an unknown name is INVALID with the list of templates. Pure. */
export function parseTemplate(name: string | undefined, where: string): PlotTemplate {
  if (name === undefined) return DEFAULT_TEMPLATE;
  if ((PLOT_TEMPLATES as readonly string[]).includes(name)) return name as PlotTemplate;
  throw new CairnError('INVALID', `unknown plot template "${name}" in ${where}`, {
    hint: `use one of: ${PLOT_TEMPLATES.join(', ')}`,
    data: { template: name, templates: [...PLOT_TEMPLATES] },
  });
}

/** The distinct files a plot reads, x file first when it has one. Pure. */
export function specFiles(spec: PlotSpec): string[] {
  return [...new Set([...(spec.x?.file ? [spec.x.file] : []), ...spec.y.map((y) => y.file)])];
}
