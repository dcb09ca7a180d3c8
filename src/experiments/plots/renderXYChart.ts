import type { PlotData, PlotPoint, PlotSeries } from './buildPlotData.js';
import { decimateLine } from './decimateLine.js';
import { extent, formatTick, niceTicks, type Ticks } from './niceTicks.js';
import { seriesStyles } from './seriesStyles.js';
import { clip, escapeXml, formatValue, legendHeight, legendSvg, px, svgDocument, titleText, topMargin } from './svgText.js';
import type { RenderedPlot, RenderOptions } from './renderPlot.js';

/** Line charts (linear, simple, smooth) and scatter plots of one or more series, with axes, ticks and a legend. Pure. */

const WIDTH = 640;
const PLOT_HEIGHT = 300;
const MARGIN = { right: 24, bottom: 52, left: 72 };
/** Past this many points a series of the linear template is drawn as a line only: thousands of dots hide the curve and bloat the file. */
export const MAX_MARKED_POINTS = 300;

/** A centred moving average (window about a tenth of the points, odd, at least 1), shorter at the ends. Pure. */
export function movingAverage(values: number[], window = Math.max(1, Math.round(values.length / 10) | 1)): number[] {
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    const from = Math.max(0, i - half);
    const to = Math.min(values.length, i + half + 1);
    let sum = 0;
    for (let j = from; j < to; j++) sum += values[j];
    return sum / (to - from);
  });
}

interface Scale {
  at(v: number | string): number;
  /** Ticks as [position, label]. */
  ticks: [number, string][];
}

function numericScale(values: number[], from: number, to: number): Scale & { ticks: [number, string][]; range: Ticks } {
  const [lo, hi] = extent(values);
  const range = niceTicks(lo, hi, { integer: values.every(Number.isInteger) });
  const span = range.max - range.min || 1;
  const at = (v: number | string) => from + ((Number(v) - range.min) / span) * (to - from);
  return { at, range, ticks: range.values.map((v) => [at(v), formatTick(v, range.step)]) };
}

/** Categories spread evenly, in the order they first appear; at most ~12 labels so they stay readable. */
function categoryScale(values: (number | string)[], from: number, to: number): Scale {
  const cats = [...new Set(values.map(String))];
  const gap = cats.length > 1 ? (to - from) / (cats.length - 1) : 0;
  const at = (v: number | string) => (cats.length > 1 ? from + cats.indexOf(String(v)) * gap : (from + to) / 2);
  const every = Math.max(1, Math.ceil(cats.length / 12));
  return { at, ticks: cats.filter((_, i) => i % every === 0).map((c) => [at(c), c]) };
}

function axes(x: Scale, y: Scale, box: { left: number; right: number; top: number; bottom: number }, labels: { x: string; y: string }): string[] {
  const out: string[] = ['<g class="axes" stroke="#d0d4da" stroke-width="1">'];
  for (const [pos] of y.ticks) out.push(`<line class="grid" x1="${box.left}" y1="${px(pos)}" x2="${box.right}" y2="${px(pos)}"/>`);
  out.push(`<line x1="${box.left}" y1="${box.bottom}" x2="${box.right}" y2="${box.bottom}" stroke="#6b7280"/>`);
  out.push(`<line x1="${box.left}" y1="${box.top}" x2="${box.left}" y2="${box.bottom}" stroke="#6b7280"/>`, '</g>');
  out.push('<g class="ticks" fill="#374151">');
  for (const [pos, label] of x.ticks) out.push(`<text class="x-tick" x="${px(pos)}" y="${box.bottom + 16}" text-anchor="middle">${escapeXml(clip(label, 80))}</text>`);
  for (const [pos, label] of y.ticks) out.push(`<text class="y-tick" x="${box.left - 6}" y="${px(pos + 4)}" text-anchor="end">${escapeXml(label)}</text>`);
  out.push('</g>');
  const mid = (box.top + box.bottom) / 2;
  if (labels.x) out.push(`<text class="x-label" x="${px((box.left + box.right) / 2)}" y="${box.bottom + 38}" text-anchor="middle" fill="#111827">${escapeXml(clip(labels.x, box.right - box.left))}</text>`);
  if (labels.y) out.push(`<text class="y-label" x="16" y="${px(mid)}" text-anchor="middle" fill="#111827" transform="rotate(-90 16 ${px(mid)})">${escapeXml(clip(labels.y, box.bottom - box.top))}</text>`);
  return out;
}

const tooltip = (s: PlotSeries, p: PlotPoint, xName: string) => `${s.label} — ${xName} ${formatValue(p.x)}: ${formatValue(p.y)}`;

/** Renders PlotData with the linear (line and points), simple (line), scatter (points) or smooth template. */
export function renderXYChart(data: PlotData, options: RenderOptions = {}): RenderedPlot {
  // y must be numeric; points whose y is text are left out rather than guessed.
  const series = data.series.map((s) => ({ ...s, points: s.points.filter((p) => typeof p.y === 'number') }));
  const top = topMargin(options.titled);
  const height = top + PLOT_HEIGHT + MARGIN.bottom + legendHeight(series.length);
  const box = { left: MARGIN.left, right: WIDTH - MARGIN.right, top, bottom: top + PLOT_HEIGHT };
  const body = [titleText(data.title, WIDTH, options.titled)];
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) {
    body.push(`<text class="empty" x="${WIDTH / 2}" y="${px((box.top + box.bottom) / 2)}" text-anchor="middle" fill="#6b7280">no numeric values to plot</text>`);
    return { svg: svgDocument({ width: WIDTH, height, title: data.title, body }), width: WIDTH, height };
  }
  const numericX = points.every((p) => typeof p.x === 'number');
  const x = numericX ? numericScale(points.map((p) => p.x as number), box.left, box.right) : categoryScale(points.map((p) => p.x), box.left, box.right);
  const y = numericScale(points.map((p) => p.y as number), box.bottom, box.top);
  body.push(...axes(x, y, box, { x: data.xLabel, y: data.yLabel }));
  const t = data.template;
  const styles = seriesStyles(series);
  series.forEach((s, i) => {
    const { color, dash } = styles[i];
    const pts = numericX ? [...s.points].sort((a, b) => (a.x as number) - (b.x as number)) : s.points;
    body.push(`<g class="series" data-label="${escapeXml(s.label)}">`);
    const line = t === 'smooth' ? movingAverage(pts.map((p) => p.y as number)) : pts.map((p) => p.y as number);
    if (t !== 'scatter' && pts.length) {
      const screen = pts.map((p, j): [number, number] => [x.at(p.x), y.at(line[j])]);
      const d = (numericX ? decimateLine(screen) : screen).map(([sx, sy], j) => `${j ? 'L' : 'M'}${px(sx)},${px(sy)}`).join('');
      body.push(`<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    }
    if (t === 'scatter' || t === 'smooth' || (t === 'linear' && pts.length <= MAX_MARKED_POINTS)) {
      const look = t === 'smooth' ? `r="2" fill="${color}" fill-opacity="0.35"` : `r="${t === 'scatter' ? 3.5 : 2.5}" fill="${color}"`;
      for (const p of pts) body.push(`<circle class="point" cx="${px(x.at(p.x))}" cy="${px(y.at(p.y))}" ${look}><title>${escapeXml(tooltip(s, p, data.xLabel))}</title></circle>`);
    }
    body.push('</g>');
  });
  body.push(...legendSvg(series.map((s, i) => ({ label: s.label, ...styles[i] })), { left: MARGIN.left, top: box.bottom + MARGIN.bottom + 6, width: WIDTH }));
  return { svg: svgDocument({ width: WIDTH, height, title: data.title, body }), width: WIDTH, height };
}
