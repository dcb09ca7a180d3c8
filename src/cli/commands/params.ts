import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import { resolveRev } from '../../git/git.js';
import { diffParams } from '../../pipeline/diffPipelineValues.js';
import { formatValue, markdownTable, textTable } from '../../pipeline/metrics.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .command('diff')
    .description('Compare the params the stages use between two revisions (default: HEAD and the workspace)')
    .argument('[a]', 'the old revision (default HEAD)')
    .argument('[b]', 'the new revision (default: the workspace)')
    .option('--all', 'also list params that did not change')
    .option('--md', 'print a Markdown table')
    .option('--json', 'print the rows as JSON');
}

/** The two sides of a diff: a revision (resolved to check it exists) or undefined for the workspace. */
export async function diffSides(repo: Repo, args: string[]): Promise<{ a?: string; b?: string; labels: [string, string] }> {
  if (!repo.git) {
    throw new CairnError('USAGE', 'comparing revisions needs Git, and this repository does not use it', { hint: 'use `cairn metrics show` to see current values' });
  }
  const [a = 'HEAD', b] = args;
  await resolveRev(repo.root, a);
  if (b !== undefined) await resolveRev(repo.root, b);
  return { a, b, labels: [a, b ?? 'workspace'] };
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  if (cmd.name() !== 'diff') throw new CairnError('USAGE', 'params needs a subcommand: diff', { hint: 'see `cairn help params`' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const { a, b, labels } = await diffSides(repo, args);
  const { rows, warnings } = await diffParams(repo, { a, b, labels, all: Boolean(opts.all) });
  for (const w of warnings) ctx.warn(w);
  const data = { old: labels[0], new: labels[1], params: rows };
  if (rows.length === 0) return { data, summary: [`No param changes between ${labels[0]} and ${labels[1]}.`] };
  const header = ['Path', 'Param', labels[0], labels[1]];
  const cells = rows.map((r) => [r.file, r.key, formatValue(r.old), formatValue(r.new)]);
  return { data, text: opts.md ? markdownTable(header, cells) : textTable(header, cells) };
}
