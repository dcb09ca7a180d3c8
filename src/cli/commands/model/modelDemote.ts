import { demoteAlias } from '../../../registry/git/demoteAlias.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { pushTarget, registryRoot } from './modelOptions.js';

export async function modelDemote(ctx: CliContext, name: string, opts: Record<string, unknown>): Promise<CommandResult> {
  const root = await registryRoot(ctx);
  const push = await pushTarget(root, opts);
  const r = await demoteAlias({ cwd: root, name, alias: opts.from as string, push });
  const summary = [`${r.alias} of ${r.name} no longer points at ${r.version} (tag ${r.tag})`];
  if (r.pushed) summary.push(`pushed ${r.tag} to ${r.pushed}`);
  return { data: r, summary };
}
