import { plotSection, PLOTS_STYLE } from '../plots/renderPlotsHtml.js';
import { escapeXml } from '../plots/svgText.js';
import type { Report } from './buildReport.js';
import { reportSides, reportTables } from './reportTables.js';

const TABLE_STYLE = `
  table { border-collapse: collapse; background: #fff; margin: 0 0 24px; }
  th, td { border: 1px solid #e5e7eb; padding: 4px 10px; text-align: left; vertical-align: top; }
  th { background: #f3f4f6; }
  h2 { margin-top: 24px; }
`;

/** One self-contained HTML page: the tables, then every plot as inline SVG (images as data: URIs). Pure. */
export function renderReportHtml(r: Report): string {
  const title = `cairn report: ${reportSides(r)}`;
  const out = [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<title>${escapeXml(title)}</title>`, `<style>${PLOTS_STYLE}${TABLE_STYLE}</style>`, '</head>', '<body>',
    `<h1>${escapeXml(title)}</h1>`,
  ];
  for (const t of reportTables(r)) {
    out.push(`<h2>${escapeXml(t.title)}</h2>`);
    if (!t.rows.length) {
      out.push(`<p>${escapeXml(t.empty)}</p>`);
      continue;
    }
    out.push('<table>', `<tr>${t.header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`);
    for (const row of t.rows) out.push(`<tr>${row.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`);
    out.push('</table>');
  }
  if (r.plots.length) {
    out.push('<h2>Plots</h2>');
    r.plots.forEach((p, i) => out.push(...plotSection(p, i)));
  }
  out.push(`<footer>Compared with ${escapeXml(r.base.why)}. Written by <code>cairn report</code>.</footer>`, '</body>', '</html>', '');
  return out.join('\n');
}
