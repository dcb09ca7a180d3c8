import type { Command } from 'commander';
import { ERROR_CODES } from '../../core/errors.js';
import { runMergeDriver } from '../../pipeline/runMergeDriver.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<base>', "the common ancestor's version (Git's %O)")
    .argument('<ours>', 'our version, where the result is written (%A)')
    .argument('<theirs>', 'their version (%B)')
    .argument('<path>', 'the path in the repository (%P)')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  const [base, ours, theirs, path] = args;
  const result = await runMergeDriver({ base, ours, theirs, path });
  if (result.conflicts.length === 0) return { data: result };
  // Git reads a non-zero exit as "conflicts left in the file"; CONFLICT's code says the same to a script.
  const what = result.kind === 'lock' ? `stage(s) ${result.conflicts.join(', ')}` : 'the data version';
  ctx.warn(`${path}: both sides changed ${what} differently; the conflict is marked in the file (resolve it, or run \`cairn repro\` and \`git add ${path}\`)`);
  return { data: result, exitCode: ERROR_CODES.CONFLICT.exit };
}
