import type { Command } from 'commander';
import { getData } from '../../remote/getData.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { describeSize, parseJobs } from './getImportOptions.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<url>', 'Git URL or local path of the repository to download from')
    .argument('<path>', 'tracked file or folder in that repository (relative to its root)')
    .option('--rev <rev>', 'branch, tag or commit to read (default: its HEAD)')
    .option('-o, --out <path>', 'where to write (default: the base name of <path> in the current folder)')
    .option('-f, --force', 'replace the output if it exists')
    .option('-j, --jobs <n>', 'parallel downloads')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const [url, path] = args;
  const result = await getData({
    url, path, rev: opts.rev as string | undefined, out: opts.out as string | undefined, force: Boolean(opts.force), jobs: parseJobs(opts.jobs), ctx,
  });
  const from = result.from.length ? ` from ${result.from.join(' and ')}` : '';
  return {
    data: result,
    summary: [`Downloaded ${result.path} at ${result.commit.slice(0, 12)} to ${result.out}: ${describeSize(result.files, result.size)}, ${result.downloaded} object(s) fetched${from}`],
  };
}
