import path from 'node:path';
import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { addPaths } from '../../data/addPaths.js';
import { gitAdd } from '../../git/git.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<paths...>', 'files, folders or globs to track (relative to the current folder)')
    .option('--json', 'print the result as JSON');
}

/** How the CLI says "these files changed for Git": staged when core.autostage is on, else the command to run. */
export async function gitHint(ctx: CliContext, root: string, gitPaths: string[], autostage: boolean): Promise<{ staged: boolean; text: string[] }> {
  if (gitPaths.length === 0) return { staged: false, text: [] };
  if (autostage) {
    await gitAdd(root, gitPaths);
    return { staged: true, text: [`Staged: ${gitPaths.join(' ')}`] };
  }
  const rel = gitPaths.map((p) => path.relative(ctx.cwd, path.join(root, p)) || '.');
  return { staged: false, text: ['', 'To track the changes with git, run:', '', `\tgit add ${rel.join(' ')}`] };
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock held by ${holder}...`);
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const result = await addPaths(repo, args, ctx);
    const text = result.added.map((a) => {
      const what = a.info.kind === 'dir' ? `${a.info.files} files, ${a.info.size} bytes` : `${a.info.size} bytes`;
      return `${a.changed ? 'added' : 'unchanged'} ${a.path} (${what}${a.stored ? `, ${a.stored} new objects` : ''})`;
    });
    const git = repo.git ? await gitHint(ctx, repo.root, result.gitPaths, repo.config.core.autostage) : { staged: false, text: [] };
    return { data: { ...result, staged: git.staged }, text: [...text, ...git.text] };
  });
}
