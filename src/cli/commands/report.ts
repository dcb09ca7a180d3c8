import path from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { writePlotFiles } from '../../experiments/plots/writePlotFiles.js';
import { buildReport, type Report } from '../../experiments/report/buildReport.js';
import { renderReportHtml } from '../../experiments/report/renderReportHtml.js';
import { renderReportMarkdown, type ReportImage } from '../../experiments/report/renderReportMarkdown.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .option('--rev <base>', 'the base revision (default: the merge base of HEAD and the default branch; on that branch, HEAD~1)')
    .option('--to <rev>', 'compare with this revision instead of the workspace')
    .option('--md', 'Markdown, ready to post as a pull-request comment (the default)')
    .option('--html', 'one self-contained HTML page')
    .option('-o, --out <file>', 'write the report to FILE (Markdown: plot images go into FILE-stem_plots/ beside it)')
    .option('--plot-format <format>', 'images for Markdown plots: svg or png (png needs Chromium)', 'svg')
    .option('--json', 'print the report as JSON');
}

/** The report's data for --json: the plots by name and source, without their series and image bytes. */
function jsonReport(r: Report, images: ReportImage[]) {
  return {
    ...r,
    plots: r.plots.map((p) => ({ id: p.id, title: p.title, source: p.source, files: p.files, notes: p.notes })),
    ...(images.length ? { images } : {}),
  };
}

/** Draws the plots next to the Markdown file and returns links relative to it. */
async function writeImages(ctx: CliContext, r: Report, out: string, format: 'svg' | 'png'): Promise<ReportImage[]> {
  if (!r.plots.length) return [];
  const dir = path.join(path.dirname(out), `${path.basename(out, path.extname(out))}_plots`);
  const written = await writePlotFiles({ format, out: dir, revisions: [r.base.rev, r.head.rev], plots: r.plots, env: ctx.env });
  return written.map((f) => ({ title: path.basename(f, path.extname(f)), href: path.relative(path.dirname(out), f).split(path.sep).join('/') }));
}

export async function run(ctx: CliContext, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const formats = [opts.md && 'md', opts.html && 'html', ctx.json && 'json'].filter(Boolean);
  if (formats.length > 1) throw new CairnError('USAGE', `--${formats.join(' and --')} are different formats; pick one`, { hint: 'e.g. `cairn report --md -o report.md`' });
  if (ctx.json && opts.out) throw new CairnError('USAGE', '--json prints on stdout; -o writes --md or --html', { hint: 'e.g. `cairn report --json > report.json`' });
  const plotFormat = opts.plotFormat;
  if (plotFormat !== 'svg' && plotFormat !== 'png') throw new CairnError('USAGE', `unknown --plot-format "${String(plotFormat)}"`, { hint: 'use svg or png' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const report = await buildReport(repo, ctx, { base: opts.rev as string | undefined, head: opts.to as string | undefined });
  for (const w of report.warnings) ctx.warn(w);
  const out = typeof opts.out === 'string' ? path.resolve(ctx.cwd, opts.out) : null;
  if (ctx.json) return { data: jsonReport(report, []) };
  const images = out && !opts.html ? await writeImages(ctx, report, out, plotFormat) : [];
  const text = opts.html ? renderReportHtml(report) : renderReportMarkdown(report, images);
  const data = jsonReport(report, images);
  if (!out) return { data, text: text.replace(/\n$/, '') };
  await writeFileAtomic(out, text, { fsync: false });
  const shown = path.relative(ctx.cwd, out) || out;
  return { data: { ...data, written: out }, summary: [`Wrote the report of ${report.base.rev} → ${report.head.rev} to ${shown}${images.length ? ` (${images.length} plot image(s) beside it)` : ''}`] };
}
