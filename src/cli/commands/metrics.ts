import path from 'node:path';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import {
  formatChange, formatValue, markdownTable, metricsFiles, pipelineAt, readMetrics, textTable,
} from '../../pipeline/metrics.js';
import { isStageTarget } from '../../pipeline/dag.js';
import { diffMetrics } from '../../pipeline/diffPipelineValues.js';
import type { Pipeline } from '../../pipeline/types.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { diffSides } from './params.js';

export function configure(cmd: Command): void {
  cmd
    .command('show')
    .description('Show the metrics files the stages declare, flattened to dotted keys')
    .argument('[targets...]', 'stage names or metrics files (default: all)')
    .option('--md', 'print a Markdown table')
    .option('--json', 'print the values as JSON');
  cmd
    .command('diff')
    .description('Compare metrics between two revisions (default: HEAD and the workspace), with absolute and relative change')
    .argument('[a]', 'the old revision (default HEAD)')
    .argument('[b]', 'the new revision (default: the workspace)')
    .option('--all', 'also list metrics that did not change')
    .option('--md', 'print a Markdown table')
    .option('--json', 'print the rows as JSON');
}

/** Targets as metrics files: a stage (or foreach group) name means its metrics; anything else is a path from here. */
function targetFiles(repo: Repo, pipeline: Pipeline, cwd: string, targets: string[]): string[] {
  if (targets.length === 0) return metricsFiles(pipeline);
  const files = new Set<string>();
  for (const t of targets) {
    if (isStageTarget(pipeline, t)) for (const f of metricsFiles(pipeline, [t])) files.add(f);
    else {
      const rel = path.relative(repo.root, path.resolve(cwd, t)).split(path.sep).join('/');
      if (rel.startsWith('..')) throw new CairnError('USAGE', `${t} is outside the repository`, { hint: 'name a metrics file or a stage in this repository' });
      files.add(rel);
    }
  }
  return [...files].sort();
}

async function show(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const pipeline = await pipelineAt(repo);
  const files = targetFiles(repo, pipeline, ctx.cwd, args);
  const values = await readMetrics(repo, files);
  // A folder is there when any metrics file inside it is.
  const found = Object.keys(values);
  const missing = files.filter((f) => !values[f] && !found.some((k) => k.startsWith(`${f}/`)));
  if (args.length && missing.length === files.length) {
    throw new CairnError('NOT_FOUND', `no metrics file found: ${missing.join(', ')}`, { hint: 'run `cairn repro` to produce it, or check the path' });
  }
  for (const f of missing) ctx.warn(`${f} does not exist (run \`cairn repro\` to produce it)`);
  const rows: string[][] = [];
  for (const file of Object.keys(values).sort()) {
    const v = values[file];
    if ('error' in v) rows.push([file, '', `error: ${v.error}`]);
    else for (const [key, value] of Object.entries(v.data)) rows.push([file, key, formatValue(value)]);
  }
  if (rows.length === 0) return { data: values, summary: ['No metrics: no stage declares a metrics file that exists (declare one with `metrics:` in cairn.yaml).'] };
  const header = ['Path', 'Metric', 'Value'];
  return { data: values, text: opts.md ? markdownTable(header, rows) : textTable(header, rows) };
}

async function diff(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const { a, b, labels } = await diffSides(repo, args);
  const { rows, warnings } = await diffMetrics(repo, { a, b, labels, all: Boolean(opts.all) });
  for (const w of warnings) ctx.warn(w);
  const data = { old: labels[0], new: labels[1], metrics: rows };
  if (rows.length === 0) return { data, summary: [`No metric changes between ${labels[0]} and ${labels[1]}.`] };
  const header = ['Path', 'Metric', labels[0], labels[1], 'Change'];
  const cells = rows.map((r) => [r.file, r.key, formatValue(r.old), formatValue(r.new), formatChange(r)]);
  return { data, text: opts.md ? markdownTable(header, cells) : textTable(header, cells) };
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  if (cmd.name() === 'show') return show(ctx, args, opts);
  if (cmd.name() === 'diff') return diff(ctx, args, opts);
  throw new CairnError('USAGE', 'metrics needs a subcommand: show or diff', { hint: 'see `cairn help metrics`' });
}
