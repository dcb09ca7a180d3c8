import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { checkout, checkoutError } from '../../data/checkout.js';
import { plural } from '../output/plural.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[paths...]', 'tracked paths or pipeline outputs to restore (default: all)')
    .option('-f, --force', 'overwrite local changes that are not saved in the cache')
    .option('--json', 'print the result as JSON');
}

const MAX_LISTED = 50;

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock held by ${holder}...`);
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const result = await checkout(repo, { ...ctx, targets: args, force: Boolean(opts.force) });
    const lines = [
      ...result.added.map((p) => `A\t${p}`),
      ...result.modified.map((p) => `M\t${p}`),
      ...result.deleted.map((p) => `D\t${p}`),
    ];
    const text = lines.length > MAX_LISTED ? [...lines.slice(0, MAX_LISTED), `... and ${lines.length - MAX_LISTED} more`] : lines;
    const changed = result.added.length + result.modified.length + result.deleted.length;
    const files = (n: number) => plural(n, 'file');
    if (changed || result.failed.length) {
      text.push(`${result.added.length} added, ${result.modified.length} modified, ${result.deleted.length} deleted, ${result.unchanged} unchanged`);
    } else {
      text.push(`Workspace already matches the pointers (${files(result.unchanged)} unchanged).`);
    }
    const error = checkoutError(result);
    if (error) {
      if (ctx.json) return { data: { ...result, error: error.toJSON() }, exitCode: error.exitCode };
      ctx.warn(`some paths were not checked out:`);
      for (const f of result.failed) ctx.warn(`${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
      return { data: result, summary: text, exitCode: error.exitCode };
    }
    return { data: result, summary: text };
  });
}
