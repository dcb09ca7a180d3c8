import { CairnError } from '../../../core/errors.js';
import { openRepo } from '../../../core/repo.js';
import { deleteRef } from '../../../git/refs.js';
import { findExperiment, listExperiments } from '../../../experiments/listExperiments.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

export async function expRemove(ctx: CliContext, names: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  if (!names.length && !opts.all) throw new CairnError('USAGE', 'name the experiments to remove, or use --all', { hint: 'e.g. `cairn exp remove brisk-oak` (`cairn exp show` lists them)' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const all = await listExperiments(repo);
  // Every name is checked before any ref is deleted: a typo removes nothing.
  const chosen = opts.all ? all : [...new Map(names.map((n) => findExperiment(all, n)).map((e) => [e.name, e])).values()];
  for (const e of chosen) await deleteRef(repo.root, e.ref);
  return {
    data: { removed: chosen.map((e) => ({ name: e.name, commit: e.commit })) },
    text: [chosen.length ? `removed ${chosen.length} experiment(s): ${chosen.map((e) => e.name).join(', ')}` : 'no experiments to remove'],
  };
}
