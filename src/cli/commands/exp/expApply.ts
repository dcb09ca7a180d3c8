import { openRepo } from '../../../core/repo.js';
import { withRepoLock } from '../../../core/repoLock.js';
import { applyExperiment } from '../../../experiments/applyExperiment.js';
import { findExperiment, listExperiments } from '../../../experiments/listExperiments.js';
import { checkoutError } from '../../../data/checkout.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

export async function expApply(ctx: CliContext, name: string, opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const exp = findExperiment(await listExperiments(repo), name);
  return withRepoLock(repo.tmpDir, { onWait: (h) => ctx.info(`waiting for the repository lock held by ${h}...`) }, async () => {
    const result = await applyExperiment(repo, ctx, exp, { force: Boolean(opts.force) });
    const failure = checkoutError(result.data);
    if (failure) throw failure;
    const files = result.written.length + result.deleted.length;
    const text = [
      `applied experiment ${exp.name} (${exp.commit.slice(0, 7)}): ${files} file(s) changed${result.data.added.length + result.data.modified.length ? `, ${result.data.added.length + result.data.modified.length} data file(s) checked out` : ''}`,
      '',
      `Review with \`git diff\`; keep it with \`git commit -a\` (or \`cairn exp branch ${exp.name} BRANCH\`).`,
    ];
    return { data: { name: exp.name, commit: exp.commit, ...result }, summary: text };
  });
}
