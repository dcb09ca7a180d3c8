import type { Command } from 'commander';
import { initRepo } from '../../data/initRepo.js';
import { gitAdd } from '../../git/git.js';
import { loadConfig } from '../../core/config.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import path from 'node:path';

export function configure(cmd: Command): void {
  cmd
    .option('--no-git', 'use cairn in a plain folder without Git')
    .option('-f, --force', 'write the default files again even if .cairn/ exists')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const result = await initRepo({ cwd: ctx.cwd, noGit: opts.git === false, force: Boolean(opts.force) });
  const { config } = await loadConfig({ cairnDir: path.join(result.root, '.cairn'), env: ctx.env });
  const text = [`Initialized cairn repository in ${result.root}`];
  if (result.git && result.created.length) {
    if (config.core.autostage) {
      await gitAdd(result.root, result.created);
      text.push(`Staged: ${result.created.join(' ')}`);
    } else {
      text.push('', 'To record this with git, run:', '', `\tgit add ${result.created.join(' ')}`);
    }
  }
  return { data: result, summary: text };
}
