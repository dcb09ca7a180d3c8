/** Small shared pieces of the SVG renderers: escaping, number formatting, colors, text width. Pure. */

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate with at most two decimals, so the same chart always has the same bytes and stays small. */
export function px(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** A data value for a label or tooltip: numbers to 6 significant digits. */
export function formatValue(v: number | string): string {
  if (typeof v === 'string') return v;
  return String(Number.isInteger(v) ? v : Number(v.toPrecision(6))).replace(/^-/, '−');
}

/** Ten colors that stay apart for most color vision (Tableau 10); series take them in order. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export const colorOf = (i: number): string => PALETTE[i % PALETTE.length];

/** An estimate of rendered text width at the charts' 12px sans-serif font (no layout engine here). */
export function textWidth(text: string, size = 12): number {
  return Math.ceil(text.length * size * 0.6);
}

/** Shortens a label to about `width` pixels with an ellipsis. */
export function clip(text: string, width: number, size = 12): string {
  const max = Math.max(1, Math.floor(width / (size * 0.6)));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

export const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

/** A whole SVG document with a title for screen readers and hover; `body` is already escaped markup. */
export function svgDocument(options: { width: number; height: number; title: string; body: string[] }): string {
  const { width, height, title, body } = options;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" ${FONT} font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Space above a chart's plot area: room for the title, or just for the top labels when the image has none. */
export const topMargin = (titled = true): number => (titled ? 40 : 20);

/** The chart title, centred at the top ('' when the image goes under a heading that says it). */
export function titleText(title: string, width: number, shown = true): string {
  if (!shown) return '';
  return `<text class="title" x="${px(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(clip(title, width - 20, 15))}</text>`;
}

export const LEGEND_LINE = 18;

/** A legend with one line a series (none for a single series: the title says what it is); a dashed series shows its dash. */
export function legendSvg(items: { label: string; color: string; dash?: string }[], options: { left: number; top: number; width: number }): string[] {
  if (items.length < 2) return [];
  const { left, top, width } = options;
  const out = ['<g class="legend">'];
  items.forEach(({ label, color, dash }, i) => {
    const y = top + i * LEGEND_LINE;
    // Line charts pass a dash ('' for solid) and get line swatches; bars get filled boxes.
    const swatch = dash !== undefined
      ? `<line x1="${left}" y1="${y - 4}" x2="${left + 14}" y2="${y - 4}" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
      : `<rect x="${left}" y="${y - 9}" width="14" height="10" rx="2" fill="${color}"/>`;
    out.push(`<g class="legend-item">${swatch}<text x="${left + 20}" y="${y}">${escapeXml(clip(label, width - left - 40))}</text></g>`);
  });
  out.push('</g>');
  return out;
}

/** The height a legend takes below a chart. */
export const legendHeight = (count: number): number => (count > 1 ? count * LEGEND_LINE + 8 : 0);
