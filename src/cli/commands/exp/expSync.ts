import { openRepo } from '../../../core/repo.js';
import { pullExperiments, pushExperiments } from '../../../experiments/syncExperiments.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

/** `cairn exp push|pull <git-remote> [NAME...]`. */
export async function expSync(ctx: CliContext, direction: 'push' | 'pull', args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const options = { gitRemote: args[0], names: args.slice(1), dataRemote: opts.remote as string | undefined, noData: opts.data === false, force: Boolean(opts.force) };
  const result = direction === 'push' ? await pushExperiments(repo, ctx, options) : await pullExperiments(repo, ctx, options);
  const verb = direction === 'push' ? 'pushed' : 'pulled';
  const text = [result.experiments.length ? `${verb} ${result.experiments.length} experiment(s) ${direction === 'push' ? 'to' : 'from'} ${args[0]}: ${result.experiments.join(', ')}` : `no experiments on ${args[0]}`];
  if (result.data) text.push(`data: ${result.data.summary}`);
  if (result.runs) text.push(`runs: ${result.runs} added to the tracking store (\`cairn runs list\`)`);
  return { data: result, summary: text };
}
