import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { pull } from '../../remote/pushPull.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { configureTransfer, transferRequest } from './transferOptions.js';

export function configure(cmd: Command): void {
  configureTransfer(cmd, 'pull').option('-f, --force', 'overwrite local changes to tracked files when checking out');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const result = await pull(repo, { ...transferRequest(args, opts), force: Boolean(opts.force) }, ctx);
  return { data: result, summary: [result.summary] };
}
