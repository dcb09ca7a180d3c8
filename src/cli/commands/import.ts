import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { importData } from '../../remote/importData.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { describeSize, parseJobs } from './getImportOptions.js';
import { stageOrHint } from '../output/gitStageHint.js';
import { declaredOutputs } from './stageOutputs.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<url>', 'Git URL or local path of the repository to import from')
    .argument('<path>', 'tracked file or folder in that repository (relative to its root)')
    .option('--rev <rev>', 'branch, tag or commit to import (default: its HEAD); `cairn update` follows it later')
    .option('-o, --out <path>', 'where to put the data in this repository (default: the base name of <path>)')
    .option('-f, --force', 'replace existing untracked data at the output path')
    .option('-j, --jobs <n>', 'parallel downloads')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const [url, path] = args;
  const result = await importData(repo, {
    url, path, rev: opts.rev as string | undefined, out: opts.out as string | undefined, force: Boolean(opts.force), jobs: parseJobs(opts.jobs), ctx,
    stageOutputs: await declaredOutputs(repo, ctx),
  });
  const text = [`Imported ${result.source.path} at ${result.source.commit.slice(0, 12)} as ${result.path}: ${describeSize(result.files, result.size)}`];
  text.push(...(await stageOrHint(repo, [result.pointer, ...result.gitignore], ctx.cwd)).text);
  return { data: result, summary: text };
}
