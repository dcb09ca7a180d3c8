import type { Command } from 'commander';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { setFrozen } from './freeze.js';

export function configure(cmd: Command): void {
  cmd.argument('<stages...>', 'stage names or addresses (path/to/cairn.yaml:stage; a foreach/matrix group name unfreezes all its instances)').option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  return setFrozen(ctx, args, false);
}
