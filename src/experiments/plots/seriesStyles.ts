import type { PlotSeries } from './buildPlotData.js';
import { colorOf } from './svgText.js';

/** How each line looks: in a diff of several fields, a revision keeps one color and a field one dash, as in DVC. Pure. */

export interface SeriesStyle {
  color: string;
  /** An SVG stroke-dasharray, '' for a solid line. */
  dash: string;
}

const DASHES = ['', '6 4', '2 3', '10 3 2 3', '1 6'];

/** The color and dash of each series, in order. */
export function seriesStyles(series: PlotSeries[]): SeriesStyle[] {
  const revs = [...new Set(series.map((s) => s.rev))];
  const fields = [...new Set(series.map((s) => `${s.file}\0${s.field}`))];
  if (revs.length < 2 || fields.length < 2) return series.map((_, i) => ({ color: colorOf(i), dash: '' }));
  return series.map((s) => ({
    color: colorOf(revs.indexOf(s.rev)),
    dash: DASHES[fields.indexOf(`${s.file}\0${s.field}`) % DASHES.length],
  }));
}
