import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function configure(cmd: Command): void {
  cmd
    .command('run')
    .description('Run the pipeline as an experiment in an isolated copy of the workspace, saved on refs/cairn/exps/')
    .argument('[targets...]', 'stages to bring up to date (default: all)')
    .option('-n, --name <name>', 'the experiment name (default: a generated one); with a grid, NAME-1, NAME-2, ...')
    .option('-S, --set-param <override>', 'change a param: key=value, +key=value (add), ~key (remove), file.yaml:key=value; sweep with a,b or range(start,stop,step) (repeatable)', collect)
    .option('--queue', 'record the experiments for `cairn queue start` instead of running them now')
    .option('-j, --jobs <n>', 'run up to N experiments of a grid at once (default 1)')
    .option('--in-place', 'run in the workspace itself (its files change, as with `cairn repro`)')
    .option('-f, --force', 'run every stage even if nothing changed')
    .option('--no-run-cache', 'never restore outputs from the run cache')
    .option('--json', 'print the experiments as JSON (stage output goes to stderr)');
  cmd
    .command('show')
    .description('The experiments table: params, metrics and data versions, under the commit each started from')
    .option('-A, --all-commits', 'experiments of every baseline commit, not only HEAD')
    .option('--sort-by <column>', 'sort experiments by a column, e.g. metrics.acc or params.train.lr')
    .option('--sort-order <order>', 'asc or desc (default desc for metrics, asc otherwise)')
    .option('--only-changed', 'only the columns whose values differ between rows')
    .option('--filter <expr>', "keep experiments matching a filter, e.g. \"metrics.acc > 0.9 and params.lr = 0.1\"")
    .option('-n, --limit <n>', 'at most N experiments per baseline')
    .option('--width <n>', 'fit the table to N columns (default: the terminal, or unlimited when not a terminal)')
    .option('--csv', 'print CSV')
    .option('--md', 'print a Markdown table')
    .option('--json', 'print the rows as JSON');
  cmd
    .command('diff')
    .description('Compare the params, metrics and data versions of two experiments (or revisions, or "workspace")')
    .argument('<a>', 'an experiment name, a Git revision or "workspace"')
    .argument('[b]', 'another (default: the first one\'s baseline)')
    .option('--all', 'include unchanged values')
    .option('--md', 'print a Markdown table')
    .option('--json', 'print the rows as JSON');
  cmd
    .command('apply')
    .description("Bring an experiment's params, code and outputs into the workspace (nothing is committed)")
    .argument('<name>', 'the experiment')
    .option('-f, --force', 'overwrite local changes to the files the experiment changed')
    .option('--json', 'print what changed as JSON');
  cmd
    .command('branch')
    .description('Make a Git branch from an experiment')
    .argument('<name>', 'the experiment')
    .argument('<branch>', 'the new branch name')
    .option('--json', 'print the result as JSON');
  for (const [name, what] of [['push', 'Share experiments: their data to the data remote, then their refs to a Git remote'], ['pull', "Bring a teammate's experiments: their refs from a Git remote, then their data into the cache"]] as const) {
    cmd
      .command(name)
      .description(what)
      .argument('<git-remote>', 'a Git remote name (e.g. origin) or URL')
      .argument('[names...]', 'experiments (default: all)')
      .option('-r, --remote <name>', 'the data remote (default: the default remote)')
      .option('--no-data', 'only the Git refs, no data objects')
      .option('-f, --force', name === 'push' ? 'overwrite experiments of the same name on the Git remote' : 'overwrite local experiments of the same name')
      .option('--json', 'print the result as JSON');
  }
  cmd
    .command('remove')
    .description('Delete experiments (their refs; cached data stays until `cairn gc`)')
    .argument('[names...]', 'experiments to delete')
    .option('--all', 'every experiment')
    .option('--json', 'print what was removed as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  switch (cmd.name()) {
    case 'run': return (await import('./exp/expRun.js')).expRun(ctx, args, opts);
    case 'show': return (await import('./exp/expShow.js')).expShow(ctx, opts);
    case 'diff': return (await import('./exp/expDiff.js')).expDiff(ctx, args, opts);
    case 'apply': return (await import('./exp/expApply.js')).expApply(ctx, args[0], opts);
    case 'branch': return (await import('./exp/expBranch.js')).expBranch(ctx, args[0], args[1]);
    case 'remove': return (await import('./exp/expRemove.js')).expRemove(ctx, args, opts);
    case 'push': return (await import('./exp/expSync.js')).expSync(ctx, 'push', args, opts);
    case 'pull': return (await import('./exp/expSync.js')).expSync(ctx, 'pull', args, opts);
    default: throw new CairnError('USAGE', 'exp needs a subcommand: run, show, diff, apply, branch, remove, push or pull', { hint: 'see `cairn help exp`' });
  }
}
