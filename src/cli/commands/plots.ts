import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import { resolveRev } from '../../git/git.js';
import type { PlotSide } from '../../experiments/plots/collectPlots.js';
import { PLOT_TEMPLATES, TEMPLATE_DESCRIPTIONS } from '../../experiments/plots/plotSpec.js';
import { preparePlots } from '../../experiments/plots/preparePlots.js';
import type { PlotOverrides } from '../../experiments/plots/selectPlotSpecs.js';
import { PLOT_FORMATS, writePlotFiles, type PlotFormat } from '../../experiments/plots/writePlotFiles.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { plural } from '../output/plural.js';
import { openTracking } from '../tracking/openTracking.js';
import { runSeriesPlots } from '../../experiments/plots/runSeriesPlots.js';
import { resolveRun } from '../../tracking/trackingOps.js';
import { existsInWorkspace, isRev, repoPrefix } from '../revOrPath.js';

const DEFAULT_HTML = 'plots.html';
const DEFAULT_IMAGE_DIR = 'cairn_plots';

function drawingOptions(cmd: Command): Command {
  return cmd
    .option('-o, --out <path>', `the HTML file (default ${DEFAULT_HTML}), or the folder for --format svg|png (default ${DEFAULT_IMAGE_DIR}/)`)
    .option('--format <format>', `html (one page with every plot), svg or png (one image a plot)`, 'html')
    .option('-t, --template <name>', 'draw every plot with this template (linear, simple, scatter, smooth, confusion, ...)')
    .option('-x <field>', 'the field for the x axis')
    .option('-y <fields>', 'the field(s) for the y axis, comma-separated')
    .option('--title <text>', 'the plot title')
    .option('--x-label <text>', 'the x axis label')
    .option('--y-label <text>', 'the y axis label')
    .option('--json', 'print the data of the plots (rows by revision and file) instead of drawing them');
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function configure(cmd: Command): void {
  drawingOptions(cmd.command('show')
    .description('Draw the plots the stages declare (or the plot files named, or the metric series of runs) into one self-contained HTML file')
    .argument('[targets...]', 'plot files, plot ids or stage names (default: every declared plot)')
    .option('--run <id>', 'draw the metric series of this tracked run instead (an id or a unique prefix; repeatable: one line each)', collect)
    .option('--metric <key>', 'with --run: only this metric (repeatable; default: every metric of the runs)', collect));
  drawingOptions(cmd.command('diff')
    .description('Draw plots with one series per revision (default: HEAD and the workspace)')
    .argument('[args...]', '[REV...] [targets...]: revisions first (none: HEAD and the workspace; one: it and the workspace), then targets'));
  cmd.command('templates')
    .description('List the plot templates and what each draws')
    .option('--json', 'print them as JSON');
}

function templates(): CommandResult {
  const rows = PLOT_TEMPLATES.map((name) => ({ name, description: TEMPLATE_DESCRIPTIONS[name] }));
  const width = Math.max(...PLOT_TEMPLATES.map((t) => t.length));
  return { data: rows, text: rows.map((r) => `${r.name.padEnd(width)}  ${r.description}`) };
}

function overridesFrom(opts: Record<string, unknown>): PlotOverrides {
  const o: PlotOverrides = {};
  if (typeof opts.template === 'string') o.template = opts.template;
  if (typeof opts.x === 'string') o.x = opts.x;
  if (typeof opts.y === 'string') o.y = opts.y.split(',').map((f) => f.trim()).filter(Boolean);
  if (typeof opts.title === 'string') o.title = opts.title;
  if (typeof opts.xLabel === 'string') o.xLabel = opts.xLabel;
  if (typeof opts.yLabel === 'string') o.yLabel = opts.yLabel;
  return o;
}

/** Leading arguments that are revisions (and not workspace paths) are the sides; the rest are targets. */
async function diffSides(repo: Repo, cwd: string, args: string[]): Promise<{ sides: PlotSide[]; rest: string[] }> {
  if (!repo.git) throw new CairnError('USAGE', 'comparing revisions needs Git, and this repository does not use it', { hint: 'use `cairn plots show` for the workspace' });
  let i = 0;
  while (i < args.length && !existsInWorkspace(cwd, args[i]) && (await isRev(repo, args[i]))) i++;
  const revs = args.slice(0, i);
  if (revs.length === 0) await resolveRev(repo.root, 'HEAD');
  const sides: PlotSide[] = revs.length === 0 ? [{ rev: 'HEAD', label: 'HEAD' }] : revs.map((r) => ({ rev: r, label: r }));
  if (revs.length < 2) sides.push({ label: 'workspace' });
  return { sides, rest: args.slice(i) };
}

function formatOf(value: unknown): PlotFormat {
  if (PLOT_FORMATS.includes(value as PlotFormat)) return value as PlotFormat;
  throw new CairnError('USAGE', `unknown --format "${String(value)}"`, { hint: `use one of: ${PLOT_FORMATS.join(', ')}` });
}

/** `HEAD and the workspace`, `v1, v2 and v3`. */
function inWords(sides: PlotSide[]): string {
  const names = sides.map((s) => (s.rev === undefined ? 'the workspace' : s.label));
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Where to write: -o as given, or the default; for HTML, -o naming a folder (existing, or ending in /) gets plots.html inside. */
function outPath(cwd: string, given: unknown, format: PlotFormat): string {
  if (typeof given !== 'string') return path.resolve(cwd, format === 'html' ? DEFAULT_HTML : DEFAULT_IMAGE_DIR);
  const out = path.resolve(cwd, given);
  const folder = /[\\/]$/.test(given) || (existsSync(out) && statSync(out).isDirectory());
  return format === 'html' && folder ? path.join(out, DEFAULT_HTML) : out;
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  if (cmd.name() === 'templates') return templates();
  if (cmd.name() !== 'show' && cmd.name() !== 'diff') {
    throw new CairnError('USAGE', 'plots needs a subcommand: show, diff or templates', { hint: 'see `cairn help plots`' });
  }
  const format = formatOf(opts.format);
  if (Array.isArray(opts.run)) return runPlots(ctx, args, opts, format);
  if (opts.metric !== undefined) throw new CairnError('USAGE', '--metric goes with --run', { hint: 'e.g. `cairn plots show --run 1f3c9a2b --metric loss`' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const { sides, rest } = cmd.name() === 'diff' ? await diffSides(repo, ctx.cwd, args) : { sides: [{ label: 'workspace' }], rest: args };
  const targets = rest.map((raw) => ({ raw, path: repoPrefix(repo, ctx.cwd, raw) }));
  const prepared = await preparePlots(repo, { sides, targets, overrides: overridesFrom(opts) }).catch((err: unknown) => {
    // In a diff, an unknown first target may have been meant as a revision.
    if (cmd.name() === 'diff' && err instanceof CairnError && err.code === 'NOT_FOUND' && err.data?.target === rest[0] && rest[0] !== undefined) {
      throw new CairnError('NOT_FOUND', `"${rest[0]}" is neither a Git revision nor a plot, stage or plot file`, {
        hint: 'use a branch, tag or commit id that `git log` shows, or a plots file (`cairn plots show` lists the declared ones)',
        data: err.data,
      });
    }
    throw err;
  });
  for (const w of prepared.warnings) ctx.warn(w);
  const revisions = sides.map((s) => s.label);
  if (ctx.json) {
    const plots = prepared.collected.map((c) => ({
      id: c.spec.id,
      template: c.spec.template,
      source: c.spec.source,
      ...(c.data ? { title: c.data.title, x_label: c.data.xLabel, y_label: c.data.yLabel } : {}),
      revisions: c.rows,
      ...(c.images.length ? { images: c.images.map((i) => ({ revision: i.label, file: i.file, size: i.bytes.length })) } : {}),
      notes: c.notes,
    }));
    return { data: { revisions, plots } };
  }
  const out = outPath(ctx.cwd, opts.out, format);
  const written = await writePlotFiles({ format, out, revisions, plots: prepared.drawn, env: ctx.env });
  const shown = (f: string) => path.relative(ctx.cwd, f) || f;
  const count = plural(prepared.drawn.length, 'plot');
  const text = format === 'html'
    ? [`Wrote ${count} of ${inWords(sides)} to ${shown(out)}`, `open it in a browser: ${pathToFileURL(out).href}`]
    : [`Wrote ${count} as ${format.toUpperCase()} into ${shown(out)}/:`, ...written.map((f) => `  ${shown(f)}`)];
  return { data: { revisions, written }, text };
}

/** `plots show --run ID...`: one line chart per metric, a series per run, from the tracking store. */
async function runPlots(ctx: CliContext, args: string[], opts: Record<string, unknown>, format: PlotFormat): Promise<CommandResult> {
  if (args.length) throw new CairnError('USAGE', 'give either plot targets or --run, not both', { hint: 'e.g. `cairn plots show --run 1f3c9a2b --run 77e0d4c1`' });
  const session = await openTracking(ctx);
  try {
    const runs = [];
    for (const id of opts.run as string[]) runs.push(await resolveRun(session.store, id));
    const keys = (opts.metric as string[] | undefined) ?? [];
    const plots = await runSeriesPlots(session.store, runs, keys);
    const missing = keys.filter((k) => !plots.some((p) => p.title === k));
    if (missing.length) {
      throw new CairnError('NOT_FOUND', `no run given has the metric ${missing.map((k) => `"${k}"`).join(', ')}`, {
        hint: `their metrics: ${[...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort().join(', ') || 'none'}`,
      });
    }
    if (!plots.length) throw new CairnError('NOT_FOUND', 'the runs given have no metrics to draw', { hint: '`cairn runs show ID` lists what a run recorded' });
    const revisions = runs.map((r) => `${r.info.run_name} (${r.info.run_id.slice(0, 8)})`);
    if (ctx.json) return { data: { runs: revisions, plots: plots.map((p) => ({ id: p.id, series: p.data!.series })) } };
    const out = outPath(ctx.cwd, opts.out, format);
    const written = await writePlotFiles({ format, out, revisions, plots, env: ctx.env });
    const shown = (f: string) => path.relative(ctx.cwd, f) || f;
    return {
      data: { runs: revisions, written },
      text: format === 'html'
        ? [`Wrote ${plural(plots.length, 'plot')} of ${plural(runs.length, 'run')} to ${shown(out)}`, `open it in a browser: ${pathToFileURL(out).href}`]
        : [`Wrote ${plural(plots.length, 'plot')} as ${format.toUpperCase()} into ${shown(out)}/:`, ...written.map((f) => `  ${shown(f)}`)],
    };
  } finally {
    await session.store.close();
  }
}
