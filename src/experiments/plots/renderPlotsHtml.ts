import type { PlotData } from './buildPlotData.js';
import { renderPlot } from './renderPlot.js';
import { imageDataUri, type PlotImage } from './plotImage.js';
import { escapeXml } from './svgText.js';

/** One self-contained HTML page for all plots: inline CSS, SVG and images, no script, no network, no web fonts. Pure. */

export interface HtmlPlot {
  id: string;
  title: string;
  /** The series to draw; absent for an image plot. */
  data?: PlotData;
  /** An image plot's images, one a revision. */
  images: PlotImage[];
  /** Where the plot is declared and what it reads, shown under its title. */
  source: string;
  files: string[];
  /** Problems met while reading its files (a revision without the file, a file that does not parse). */
  notes: string[];
}

export const PLOTS_STYLE = `
  body { margin: 0; padding: 24px 32px; background: #f6f7f9; color: #111827;
         font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  header { margin-bottom: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  nav ul { margin: 8px 0 0; padding-left: 20px; }
  section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 16px 20px; margin: 0 0 24px;
            max-width: max-content; }
  h2 { font-size: 16px; margin: 0 0 2px; }
  .meta { color: #4b5563; font-size: 13px; margin: 0 0 12px; }
  .note { color: #92400e; background: #fffbeb; border-left: 3px solid #f59e0b; padding: 4px 8px; margin: 8px 0; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
  svg, img { display: block; max-width: 100%; height: auto; }
  .images { display: flex; flex-wrap: wrap; gap: 16px; }
  figure { margin: 0; }
  figcaption { color: #4b5563; font-size: 13px; text-align: center; margin-top: 4px; }
  footer { color: #6b7280; font-size: 12px; }
`;

/** An HTML id from a plot id: letters, digits and `-` only, numbered so two plots never share one. */
export function anchorFor(id: string, index: number): string {
  return `plot-${index + 1}-${id.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}`;
}

/** `a`, `a and b`, `a, b and c`. */
const listed = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

function imagesHtml(images: PlotImage[]): string {
  const figures = images.map((img) => {
    const caption = images.length > 1 ? `<figcaption>${escapeXml(img.label)}</figcaption>` : '';
    return `<figure><img src="${imageDataUri(img)}" alt="${escapeXml(`${img.file} (${img.label})`)}">${caption}</figure>`;
  });
  return `<div class="images">${figures.join('')}</div>`;
}

/** One plot's section: its title, what it reads, its notes, and the chart (inline SVG) or images (data: URIs). */
export function plotSection(p: HtmlPlot, i: number): string[] {
  const out = [`<section id="${anchorFor(p.id, i)}" class="plot">`, `<h2>${escapeXml(p.title)}</h2>`];
  const files = p.files.map((f) => `<code>${escapeXml(f)}</code>`).join(', ');
  out.push(`<p class="meta">${files} · ${p.data ? `template <code>${p.data.template}</code>` : 'image'} · ${escapeXml(p.source)}</p>`);
  for (const note of p.notes) out.push(`<p class="note">${escapeXml(note)}</p>`);
  // The section heading names the plot, so the image leaves its own title out.
  out.push(p.data ? renderPlot(p.data, { titled: false }).svg : imagesHtml(p.images));
  out.push('</section>');
  return out;
}

/** The whole page: a heading naming the revisions, a table of contents, and one section a plot. */
export function renderPlotsHtml(options: { revisions: string[]; plots: HtmlPlot[] }): string {
  const { revisions, plots } = options;
  const heading = revisions.length > 1 ? `Plots: ${revisions.join(' vs ')}` : 'Plots';
  const out = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(heading)}</title>`,
    `<style>${PLOTS_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeXml(heading)}</h1>`,
    `<p class="meta">${plots.length} plot${plots.length === 1 ? '' : 's'} from ${listed(revisions.map((r) => `<code>${escapeXml(r)}</code>`))}. Hover a point, a bar or a cell to see its value.</p>`,
  ];
  if (plots.length > 1) {
    out.push('<nav><ul>');
    plots.forEach((p, i) => out.push(`<li><a href="#${anchorFor(p.id, i)}">${escapeXml(p.title)}</a></li>`));
    out.push('</ul></nav>');
  }
  out.push('</header>');
  plots.forEach((p, i) => out.push(...plotSection(p, i)));
  out.push('<footer>Written by <code>cairn plots</code>.</footer>', '</body>', '</html>', '');
  return out.join('\n');
}
