import type { PlotData } from './buildPlotData.js';
import { extent, formatTick, niceTicks } from './niceTicks.js';
import { clip, colorOf, escapeXml, formatValue, legendHeight, legendSvg, px, svgDocument, textWidth, titleText, topMargin } from './svgText.js';
import type { RenderedPlot, RenderOptions } from './renderPlot.js';

/**
 * Horizontal bars (bar_horizontal, bar_horizontal_sorted): as in DVC, `y` names the category of each bar and `x`
 * its length, so one file of {name, importance} records gives one bar per name; several series are grouped. Pure.
 */

const WIDTH = 640;
const BAR = 14;
const GAP = 10;
const BOTTOM = 52;

/** Draws horizontal bars, grouped by series; `sorted` puts the longest bar of the first series first. */
export function renderBarChart(data: PlotData, options: RenderOptions & { sorted: boolean }): RenderedPlot {
  const TOP = topMargin(options.titled);
  // Points arrive as {x: value, y: category}; bars need a numeric length.
  const series = data.series.map((s) => ({ ...s, bars: s.points.filter((p) => typeof p.x === 'number').map((p) => ({ cat: String(p.y), value: p.x as number })) }));
  const categories: string[] = [];
  for (const s of series) for (const b of s.bars) if (!categories.includes(b.cat)) categories.push(b.cat);
  if (options.sorted && series.length) {
    // Longest bar of the first series first; categories it lacks keep their order after it.
    const first = new Map(series[0].bars.map((b) => [b.cat, b.value]));
    const rank = (c: string) => first.get(c) ?? -Infinity;
    categories.sort((a, b) => rank(b) - rank(a));
  }
  const labelWidth = Math.min(200, Math.max(40, ...categories.map((c) => textWidth(c)))) + 12;
  const left = labelWidth + 8;
  const right = WIDTH - 56;
  const band = series.length * BAR + GAP;
  const plotHeight = Math.max(band, categories.length * band);
  const height = TOP + plotHeight + BOTTOM + legendHeight(series.length);
  const values = series.flatMap((s) => s.bars.map((b) => b.value));
  const [lo, hi] = extent(values);
  const ticks = niceTicks(Math.min(0, lo), Math.max(0, hi));
  const span = ticks.max - ticks.min || 1;
  const at = (v: number) => left + ((v - ticks.min) / span) * (right - left);
  const bottom = TOP + plotHeight;
  const body = [titleText(data.title, WIDTH, options.titled), '<g class="axes" stroke="#d0d4da">'];
  for (const v of ticks.values) body.push(`<line class="grid" x1="${px(at(v))}" y1="${TOP}" x2="${px(at(v))}" y2="${bottom}"/>`);
  body.push(`<line x1="${px(at(0))}" y1="${TOP}" x2="${px(at(0))}" y2="${bottom}" stroke="#6b7280"/>`, '</g>', '<g class="ticks" fill="#374151">');
  for (const v of ticks.values) body.push(`<text class="x-tick" x="${px(at(v))}" y="${bottom + 16}" text-anchor="middle">${escapeXml(formatTick(v, ticks.step))}</text>`);
  categories.forEach((c, i) => {
    body.push(`<text class="y-tick" x="${labelWidth}" y="${px(TOP + i * band + band / 2 + 4)}" text-anchor="end">${escapeXml(clip(c, labelWidth - 4))}<title>${escapeXml(c)}</title></text>`);
  });
  body.push('</g>');
  series.forEach((s, si) => {
    body.push(`<g class="series" data-label="${escapeXml(s.label)}">`);
    for (const b of s.bars) {
      const y = TOP + categories.indexOf(b.cat) * band + GAP / 2 + si * BAR;
      const x0 = at(Math.min(0, b.value));
      const w = Math.abs(at(b.value) - at(0));
      body.push(`<rect class="bar" x="${px(x0)}" y="${px(y)}" width="${px(w)}" height="${BAR - 2}" fill="${colorOf(si)}"><title>${escapeXml(`${s.label} — ${b.cat}: ${formatValue(b.value)}`)}</title></rect>`);
      body.push(`<text class="value" x="${px(at(Math.max(0, b.value)) + 4)}" y="${px(y + BAR - 4)}" font-size="10" fill="#374151">${escapeXml(formatValue(b.value))}</text>`);
    }
    body.push('</g>');
  });
  if (data.xLabel) body.push(`<text class="x-label" x="${px((left + right) / 2)}" y="${bottom + 38}" text-anchor="middle">${escapeXml(clip(data.xLabel, right - left))}</text>`);
  if (data.yLabel) body.push(`<text class="y-label" x="12" y="${px(TOP - 8)}" fill="#111827">${escapeXml(clip(data.yLabel, labelWidth))}</text>`);
  body.push(...legendSvg(series.map((s, i) => ({ label: s.label, color: colorOf(i) })), { left, top: bottom + BOTTOM + 6, width: WIDTH }));
  return { svg: svgDocument({ width: WIDTH, height, title: data.title, body }), width: WIDTH, height };
}
