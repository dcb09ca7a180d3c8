import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .command('start')
    .description('Run the queued experiments, up to N at once, until the queue is empty')
    .option('-j, --jobs <n>', 'experiments to run at once (default 1; with a cluster executor the cluster decides)')
    .option('--executor <name>', 'where they run: local (child processes) or slurm (one sbatch job each, all at once); default: pipeline.executor')
    .option('--json', 'print the results as JSON');
  cmd
    .command('status')
    .description('Queued, running, finished and failed experiments')
    .option('--json', 'print the queue as JSON');
  cmd
    .command('logs')
    .description("Print a queued experiment's output (stage commands and cairn's own)")
    .argument('<name>', 'the experiment')
    .option('-f, --follow', 'keep printing while it runs');
  cmd
    .command('remove')
    .description('Take experiments off the queue (and forget finished or failed ones)')
    .argument('[names...]', 'experiments to remove')
    .option('--all', 'every queued, finished and failed entry')
    .option('--json', 'print what was removed as JSON');
  cmd
    .command('kill')
    .description('Stop running queued experiments (their stages get SIGTERM, then SIGKILL)')
    .argument('<names...>', 'running experiments')
    .option('--json', 'print what was stopped as JSON');
  cmd.command('exec', { hidden: true }).argument('<name>').description('run one queued experiment (used by queue start)');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  switch (cmd.name()) {
    case 'start': return (await import('./queue/queueStart.js')).queueStart(ctx, opts);
    case 'exec': return (await import('./queue/queueStart.js')).queueExec(ctx, args[0]);
    case 'status': return (await import('./queue/queueInspect.js')).queueStatus(ctx);
    case 'logs': return (await import('./queue/queueInspect.js')).queueLogs(ctx, args[0], opts);
    case 'remove': return (await import('./queue/queueManage.js')).queueRemove(ctx, args, opts);
    case 'kill': return (await import('./queue/queueManage.js')).queueKill(ctx, args);
    default: throw new CairnError('USAGE', 'queue needs a subcommand: start, status, logs, remove or kill', { hint: 'see `cairn help queue`' });
  }
}
