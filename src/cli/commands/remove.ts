import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { removeTracked } from '../../data/removeTracked.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { stageOrHint } from '../output/gitStageHint.js';
import { declaredOutputs } from './stageOutputs.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<paths...>', 'tracked paths (the data path or its .cairn pointer file)')
    .option('--outs', 'also delete the data from the workspace')
    .option('--delete', 'the same as --outs')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const deleteData = Boolean(opts.outs || opts.delete);
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock (held by ${holder})...`);
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const removed = await removeTracked(repo, ctx.cwd, args, { deleteData, stageOutputs: await declaredOutputs(repo, ctx) });
    const text = removed.map((r) => `Stopped tracking ${r.path}${r.deletedData ? ' and deleted it from the workspace' : ''}`);
    for (const r of removed) {
      if (r.keptIgnored) {
        const { output, stage, file } = r.keptIgnored;
        text.push(`${r.path} stays in .gitignore: ${output === r.path ? 'it is' : `it is inside ${output},`} an output of stage "${stage}" in ${file}, which tracks it through cairn.lock.`);
      }
      if (r.outputsIgnored?.length) text.push(`The stage outputs inside ${r.path} stay ignored by Git (${r.outputsIgnored.join(', ')}).`);
    }
    if (!deleteData && removed.some((r) => !r.keptIgnored)) {
      text.push(`The data stays in the workspace and Git no longer ignores it; the cache keeps its objects until \`cairn gc\`.`);
    }
    const gitFiles = removed.flatMap((r) => [r.pointer, ...(r.gitignore ? [r.gitignore] : []), ...(r.outputsIgnored ?? [])]);
    text.push(...(await stageOrHint(repo, gitFiles, ctx.cwd)).text);
    return { data: { removed }, summary: text };
  });
}
