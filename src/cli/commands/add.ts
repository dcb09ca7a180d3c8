import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { addPaths } from '../../data/addPaths.js';
import { stageOrHint } from '../output/gitStageHint.js';
import { formatBytes } from '../../core/formatBytes.js';
import { plural } from '../output/plural.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { declaredOutputs } from './stageOutputs.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<paths...>', 'files, folders or globs to track (relative to the current folder)')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock held by ${holder}...`);
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const result = await addPaths(repo, args, { ...ctx, stageOutputs: await declaredOutputs(repo, ctx) });
    const text = result.added.map((a) => {
      const what = a.info.kind === 'dir' ? `${plural(a.info.files ?? 0, 'file')}, ${formatBytes(a.info.size)}` : formatBytes(a.info.size);
      return `${a.changed ? 'added' : 'unchanged'} ${a.path} (${what}${a.stored ? `, ${plural(a.stored, 'new object')}` : ''})`;
    });
    const git = await stageOrHint(repo, result.gitPaths, ctx.cwd);
    return { data: { ...result, staged: git.staged }, summary: [...text, ...git.text] };
  });
}
