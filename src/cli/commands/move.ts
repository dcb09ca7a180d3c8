import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { moveTracked } from '../../data/moveTracked.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { stageOrHint } from '../output/gitStageHint.js';
import { declaredOutputs } from './stageOutputs.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<src>', 'a tracked path (or its .cairn pointer file)')
    .argument('<dst>', 'the new path, or an existing folder to move it into')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock (held by ${holder})...`);
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const result = await moveTracked(repo, ctx.cwd, { src: args[0], dst: args[1] }, await declaredOutputs(repo, ctx));
    if (!result.movedData) ctx.warn(`${result.from} was not in the workspace; only its pointer moved`);
    const text = [`Moved ${result.from} to ${result.to}`, ...(await stageOrHint(repo, result.changed, ctx.cwd)).text];
    return { data: result, summary: text };
  });
}
