import type { PlotData } from './buildPlotData.js';
import { clip, escapeXml, formatValue, px, svgDocument, textWidth, titleText, topMargin } from './svgText.js';
import type { RenderedPlot, RenderOptions } from './renderPlot.js';

/**
 * Confusion matrices from rows of (x = actual, y = predicted) classes, as DVC's confusion templates: one matrix a
 * series (a revision in a diff), side by side; columns are x classes, rows y classes. `normalized` divides each row
 * by its total, as DVC's confusion_normalized does, so every row sums to 1. Pure.
 */

const FACET_TITLE = 22;

/** Numbers in numeric order, then text in code-point order: the same classes always line up the same way. */
export function compareClasses(a: string, b: string): number {
  const [na, nb] = [Number(a), Number(b)];
  const numA = a.trim() !== '' && Number.isFinite(na);
  const numB = b.trim() !== '' && Number.isFinite(nb);
  if (numA && numB) return na - nb;
  if (numA !== numB) return numA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Cell counts of one series: `counts.get(y)?.get(x)`. Pure. */
export function confusionCounts(points: { x: number | string; y: number | string }[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const p of points) {
    const row = counts.get(String(p.y)) ?? new Map<string, number>();
    row.set(String(p.x), (row.get(String(p.x)) ?? 0) + 1);
    counts.set(String(p.y), row);
  }
  return counts;
}

/** Mixes white-ish and dark blue: 0 → light, 1 → dark. */
function shade(t: number): string {
  const from = [0xf1, 0xf5, 0xfb];
  const to = [0x1f, 0x4e, 0x8c];
  const c = from.map((f, i) => Math.round(f + (to[i] - f) * Math.max(0, Math.min(1, t))));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Draws one confusion matrix a series, side by side, with the same classes on every one. */
export function renderConfusion(data: PlotData, options: RenderOptions & { normalized: boolean }): RenderedPlot {
  const TOP = topMargin(options.titled);
  const classes = [...new Set(data.series.flatMap((s) => s.points.flatMap((p) => [String(p.x), String(p.y)])))].sort(compareClasses);
  const n = Math.max(1, classes.length);
  const cell = Math.max(18, Math.min(48, Math.floor(360 / n)));
  const labelWidth = Math.min(140, Math.max(24, ...classes.map((c) => textWidth(c)))) + 8;
  const left = 24 + labelWidth;
  const facetWidth = left + n * cell + 24;
  const width = Math.max(320, facetWidth * Math.max(1, data.series.length));
  const gridTop = TOP + FACET_TITLE;
  const height = gridTop + n * cell + 56;
  const matrices = data.series.map((s) => confusionCounts(s.points));
  const value = (m: Map<string, Map<string, number>>, y: string, x: string) => {
    const count = m.get(y)?.get(x) ?? 0;
    if (!options.normalized) return count;
    const total = [...(m.get(y)?.values() ?? [])].reduce((a, b) => a + b, 0);
    return total ? count / total : 0;
  };
  const max = options.normalized ? 1 : Math.max(1, ...matrices.flatMap((m) => [...m.values()].flatMap((r) => [...r.values()])));
  const fontSize = Math.min(12, Math.floor(cell / 3));
  const body = [titleText(data.title, width, options.titled)];
  if (data.series.length === 0) body.push(`<text class="empty" x="${width / 2}" y="${gridTop + 20}" text-anchor="middle" fill="#6b7280">no data</text>`);
  data.series.forEach((s, f) => {
    const x0 = f * facetWidth + left;
    body.push(`<g class="matrix" data-label="${escapeXml(s.label)}">`);
    if (data.series.length > 1) body.push(`<text class="facet-title" x="${px(x0 + (n * cell) / 2)}" y="${TOP + 12}" text-anchor="middle" font-weight="600">${escapeXml(clip(s.label, n * cell + labelWidth))}</text>`);
    classes.forEach((yc, r) => {
      body.push(`<text class="y-tick" x="${x0 - 6}" y="${px(gridTop + r * cell + cell / 2 + 4)}" text-anchor="end">${escapeXml(clip(yc, labelWidth - 4))}</text>`);
      classes.forEach((xc, c) => {
        const v = value(matrices[f], yc, xc);
        const t = v / max;
        const label = options.normalized ? v.toFixed(2) : String(v);
        const [cx, cy] = [x0 + c * cell, gridTop + r * cell];
        body.push(`<rect class="cell" x="${cx}" y="${cy}" width="${cell}" height="${cell}" fill="${shade(t)}" stroke="#ffffff"><title>${escapeXml(`${data.xLabel} ${xc}, ${data.yLabel} ${yc}: ${options.normalized ? formatValue(v) : v}`)}</title></rect>`);
        body.push(`<text class="cell-value" x="${px(cx + cell / 2)}" y="${px(cy + cell / 2 + fontSize / 3)}" text-anchor="middle" font-size="${fontSize}" fill="${t > 0.55 ? '#ffffff' : '#111827'}">${label}</text>`);
      });
    });
    classes.forEach((xc, c) => {
      body.push(`<text class="x-tick" x="${px(x0 + c * cell + cell / 2)}" y="${gridTop + n * cell + 16}" text-anchor="middle">${escapeXml(clip(xc, cell + 8))}</text>`);
    });
    body.push(`<text class="x-label" x="${px(x0 + (n * cell) / 2)}" y="${gridTop + n * cell + 38}" text-anchor="middle">${escapeXml(clip(data.xLabel, n * cell + 40))}</text>`);
    const mid = gridTop + (n * cell) / 2;
    body.push(`<text class="y-label" x="${x0 - labelWidth - 8}" y="${px(mid)}" text-anchor="middle" transform="rotate(-90 ${x0 - labelWidth - 8} ${px(mid)})">${escapeXml(clip(data.yLabel, n * cell))}</text>`);
    body.push('</g>');
  });
  return { svg: svgDocument({ width, height, title: data.title, body }), width, height };
}
