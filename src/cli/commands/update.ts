import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { updateImport, type UpdateResult } from '../../remote/importData.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { describeSize, parseJobs } from './getImportOptions.js';
import { stageOrHint } from '../output/gitStageHint.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<paths...>', 'imported paths (or their .cairn pointer files)')
    .option('--rev <rev>', 'move the import to this branch, tag or commit (default: the revision it follows)')
    .option('-f, --force', 'overwrite local changes to the imported data')
    .option('-j, --jobs <n>', 'parallel downloads')
    .option('--json', 'print the result as JSON');
}

function line(r: UpdateResult): string {
  if (!r.updated) return `${r.path} is already up to date (${r.source.commit.slice(0, 12)})`;
  const moved = `${r.previousCommit.slice(0, 12)} -> ${r.source.commit.slice(0, 12)}`;
  return r.changed ? `Updated ${r.path} (${moved}): ${describeSize(r.files, r.size)}` : `Updated ${r.path} (${moved}): the data did not change`;
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const jobs = parseJobs(opts.jobs);
  const results: UpdateResult[] = [];
  for (const target of args.flat()) {
    results.push(await updateImport(repo, { target, rev: opts.rev as string | undefined, force: Boolean(opts.force), jobs, ctx }));
  }
  const changed = results.filter((r) => r.updated).map((r) => r.pointer);
  const text = results.map(line);
  if (changed.length) text.push(...(await stageOrHint(repo, changed, ctx.cwd)).text);
  return { data: { updated: results }, summary: text };
}
