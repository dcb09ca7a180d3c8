import { deprecateModel } from '../../../registry/git/deprecateModel.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { pushTarget, registryRoot } from './modelOptions.js';

export async function modelDeprecate(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const root = await registryRoot(ctx);
  const push = await pushTarget(root, opts);
  const r = await deprecateModel({ cwd: root, name: args[0], version: args[1], push });
  const summary = [`deprecated ${r.version ? `${r.name} ${r.version}` : `model ${r.name}`} (tag ${r.tag})`];
  if (r.pushed) summary.push(`pushed ${r.tag} to ${r.pushed}`);
  return { data: r, summary };
}
