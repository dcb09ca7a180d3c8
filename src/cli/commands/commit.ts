import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { commitPaths } from '../../data/commitPaths.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { gitHint } from './add.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[paths...]', 'tracked paths to record (default: every tracked path)')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock held by ${holder}...`);
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const committed = await commitPaths(repo, args, ctx);
    const changed = committed.filter((c) => c.changed);
    const text = changed.map((c) => `committed ${c.path} (${c.info.kind === 'dir' ? `${c.info.files} files, ` : ''}${c.info.size} bytes)`);
    if (changed.length === 0) text.push(committed.length ? 'Nothing to commit: tracked data matches its pointers.' : 'Nothing is tracked yet; use `cairn add`.');
    const git = repo.git ? await gitHint(ctx, repo.root, changed.map((c) => c.pointer), repo.config.core.autostage) : { staged: false, text: [] };
    return { data: { committed, staged: git.staged }, text: [...text, ...git.text] };
  });
}
