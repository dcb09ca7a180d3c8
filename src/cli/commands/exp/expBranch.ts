import { CairnError } from '../../../core/errors.js';
import { openRepo } from '../../../core/repo.js';
import { createBranch } from '../../../git/refs.js';
import { findExperiment, listExperiments } from '../../../experiments/listExperiments.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

export async function expBranch(ctx: CliContext, name: string, branch: string): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const exp = findExperiment(await listExperiments(repo), name);
  if (!(await createBranch(repo.root, branch, exp.commit))) {
    throw new CairnError('CONFLICT', `a branch named "${branch}" exists already`, { hint: 'choose another branch name', data: { branch } });
  }
  return { data: { name: exp.name, branch, commit: exp.commit }, summary: [`branch ${branch} created at experiment ${exp.name} (${exp.commit.slice(0, 7)}); switch to it with \`git switch ${branch}\``] };
}
