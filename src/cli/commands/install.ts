import path from 'node:path';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { CHAINED_SUFFIX, installHooks, uninstallHooks, type HookChange } from '../../git/gitHooks.js';
import { installMergeDriver, uninstallMergeDriver } from '../../git/mergeDriverConfig.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

/** `cairn install` and `cairn uninstall` share this module: the same options, opposite actions. */

export function configure(cmd: Command): void {
  cmd
    .option('--hooks', 'only the Git hooks (post-checkout, pre-commit, pre-push)')
    .option('--merge-driver', 'only the merge driver for cairn.lock and pointer files')
    .option('--json', 'print what changed as JSON');
}

/** The command a hook or the merge driver runs when no `cairn` is on PATH: this very installation. */
const thisCairn = () => [process.execPath, path.resolve(process.argv[1])];

const HOOK_WORDS: Record<HookChange['action'], string> = {
  installed: 'installed', updated: 'updated', chained: `installed; the hook that was there runs first (kept as <hook>${CHAINED_SUFFIX})`,
  removed: 'removed', restored: 'removed; the hook it chained is back', foreign: 'left alone (not installed by cairn)', absent: 'not installed',
};

async function openGitRepo(ctx: CliContext) {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  if (!repo.git) {
    throw new CairnError('USAGE', `${repo.root} is not in a Git repository, so there are no Git hooks or merge drivers to install`, {
      hint: 'run `git init` first (this repository was made with `cairn init --no-git`)',
    });
  }
  return repo;
}

export async function run(ctx: CliContext, _args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  const both = !opts.hooks && !opts.mergeDriver;
  const hooks = both || Boolean(opts.hooks);
  const driver = both || Boolean(opts.mergeDriver);
  const repo = await openGitRepo(ctx);
  const lines: string[] = [];
  if (cmd.name() === 'uninstall') {
    const changes = hooks ? await uninstallHooks(repo.root) : [];
    const merge = driver ? await uninstallMergeDriver(repo.root) : null;
    for (const c of changes) lines.push(`hook ${c.hook}: ${HOOK_WORDS[c.action]}`);
    if (merge) lines.push(merge.removed ? 'merge driver: removed (commit the change to .gitattributes)' : 'merge driver: not installed');
    return { data: { hooks: changes, merge_driver: merge }, summary: lines };
  }
  const changes = hooks ? await installHooks(repo.root, thisCairn()) : [];
  const merge = driver ? await installMergeDriver(repo.root, thisCairn()) : null;
  for (const c of changes) lines.push(`hook ${c.hook}: ${HOOK_WORDS[c.action]}`);
  if (merge) lines.push(`merge driver: cairn.lock and *.cairn merge with \`cairn merge-driver\` (commit ${path.relative(ctx.cwd, merge.attributes) || '.gitattributes'} so every clone uses it; each clone runs \`cairn install --merge-driver\` once)`);
  return { data: { hooks: changes, merge_driver: merge }, summary: lines };
}
