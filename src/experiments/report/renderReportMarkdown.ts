import { markdownTable } from '../../pipeline/metrics.js';
import type { Report } from './buildReport.js';
import { reportSides, reportTables } from './reportTables.js';

/** An image of a plot, as the Markdown should link it (a path relative to the report file, or a URL). */
export interface ReportImage {
  title: string;
  href: string;
}

/** GitHub-flavoured Markdown, ready to post as a pull-request comment. Pure. */
export function renderReportMarkdown(r: Report, images: ReportImage[] = []): string {
  // Inline code in a table cell must not break the table or the markup.
  const cell = (c: string) => c.replace(/\r?\n/g, ' ');
  const out = [`## cairn report: ${reportSides(r)}`, ''];
  for (const t of reportTables(r)) {
    out.push(`### ${t.title}`, '');
    out.push(...(t.rows.length ? markdownTable(t.header, t.rows.map((row) => row.map(cell))) : [t.empty]), '');
  }
  if (r.plots.length) {
    out.push('### Plots', '');
    if (images.length) for (const i of images) out.push(`![${i.title.replace(/[[\]]/g, '')}](${encodeURI(i.href)})`, '');
    else out.push(`${r.plots.map((p) => p.title).join(', ')} (write the report with \`-o FILE\` to include the images)`, '');
  }
  out.push(`<sub>Compared with ${r.base.why}. Written by \`cairn report\`.</sub>`, '');
  return out.join('\n');
}
