import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { push } from '../../remote/pushPull.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { configureTransfer, transferRequest } from './transferOptions.js';

export function configure(cmd: Command): void {
  configureTransfer(cmd, 'push');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const result = await push(repo, transferRequest(args, opts), ctx);
  return { data: result, summary: [result.summary] };
}
