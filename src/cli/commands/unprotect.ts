import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { unprotectPaths } from '../../data/unprotect.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<paths...>', 'tracked paths (or files inside tracked directories) to make writable')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock (held by ${holder})...`);
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const results = await unprotectPaths(repo, ctx.cwd, args);
    const text = results.map((r) => (r.unprotected
      ? `Unprotected ${r.path}: ${r.unprotected} file(s) are now writable copies${r.unchanged ? ` (${r.unchanged} already were)` : ''}`
      : `${r.path}: nothing to do, its ${r.unchanged} file(s) are already writable copies`));
    const links = repo.config.cache.link;
    if (results.every((r) => r.unprotected === 0) && !links.includes('hardlink') && !links.includes('symlink')) {
      text.push(`(cache.link is ${links.join(',')}: workspace files are independent copies, so there is never anything to unprotect)`);
    }
    text.push(...(results.some((r) => r.unprotected) ? ['Edit them, then `cairn add` or `cairn commit` records the new content.'] : []));
    return { data: { results }, summary: text };
  });
}
