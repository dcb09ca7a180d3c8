import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { removeTracked } from '../../data/removeTracked.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { stageOrHint } from '../output/gitStageHint.js';

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
    const removed = await removeTracked(repo, ctx.cwd, args, { deleteData });
    const text = removed.map((r) => `Stopped tracking ${r.path}${r.deletedData ? ' and deleted it from the workspace' : ''}`);
    if (!deleteData) {
      text.push(`The data stays in the workspace and Git no longer ignores it; the cache keeps its objects until \`cairn gc\`.`);
    }
    text.push(...(await stageOrHint(repo, removed.flatMap((r) => [r.pointer, ...(r.gitignore ? [r.gitignore] : [])]), ctx.cwd)).text);
    return { data: { removed }, summary: text };
  });
}
