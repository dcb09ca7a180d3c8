import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { commitPaths } from '../../data/commitPaths.js';
import { formatBytes } from '../../core/formatBytes.js';
import { plural } from '../output/plural.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { stageOrHint } from '../output/gitStageHint.js';

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
    const text = changed.map((c) => `committed ${c.path} (${c.info.kind === 'dir' ? `${plural(c.info.files ?? 0, 'file')}, ` : ''}${formatBytes(c.info.size)})`);
    if (changed.length === 0) text.push(committed.length ? 'Nothing to commit: tracked data matches its pointers.' : 'Nothing is tracked yet; use `cairn add`.');
    const git = await stageOrHint(repo, changed.map((c) => c.pointer), ctx.cwd);
    return { data: { committed, staged: git.staged }, summary: [...text, ...git.text] };
  });
}
