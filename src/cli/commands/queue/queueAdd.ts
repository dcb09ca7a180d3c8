import { openRepo } from '../../../core/repo.js';
import type { ParamChange } from '../../../experiments/overrides.js';
import { queueExperiments } from '../../../experiments/queue/queueExperiments.js';
import { formatValue } from '../../../pipeline/metrics.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

/** `cairn exp run --queue`: records the experiments for `cairn queue start`. */
export async function queueAdd(ctx: CliContext, options: { grid: ParamChange[][]; targets: string[]; name?: string }): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const queued = await queueExperiments(repo, options);
  const text = queued.map((q) => `queued ${q.name}${q.changes.length ? `: ${q.changes.map((c) => (c.op === 'delete' ? `~${c.key}` : `${c.key}=${formatValue(c.value)}`)).join(' ')}` : ''}`);
  text.push('', `Run them with \`cairn queue start${queued.length > 1 ? ' -j 2' : ''}\`; \`cairn queue status\` shows the queue.`);
  return { data: { queued: queued.map(({ name, ref, commit, changes, baseline }) => ({ name, ref, commit, changes, baseline })) }, summary: text };
}
