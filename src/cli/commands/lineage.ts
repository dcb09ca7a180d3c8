import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { fileLineage } from '../../experiments/fileLineage.js';
import { renderLineageMermaid, renderLineageText } from '../../experiments/renderLineage.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { resolveLineageTarget } from '../lineageTarget.js';
import { openTracking, type TrackingSession } from '../tracking/openTracking.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<target>', 'a tracked path (pipeline output or added data), or REV:PATH')
    .option('--rev <rev>', 'the commit to read (default HEAD)')
    .option('--mermaid', 'print the chain as a Mermaid flowchart')
    .option('--json', 'print the lineage as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  if (opts.mermaid && ctx.json) throw new CairnError('USAGE', '--mermaid and --json are two outputs; pick one', { hint: 'e.g. `cairn lineage model.pkl --mermaid`' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const target = await resolveLineageTarget(repo, { cwd: ctx.cwd, arg: args[0], rev: opts.rev as string | undefined });
  let session: TrackingSession | null = null;
  try {
    const lineage = await fileLineage({ repo, target, openStore: async () => (session = await openTracking(ctx)).store });
    if (!target.model) return { data: lineage, text: opts.mermaid ? renderLineageMermaid(lineage) : renderLineageText(lineage) };
    // A model version: the registry's side first (which tag, which run it was registered from, its verification).
    const { name, version, tag, alias, metadata } = target.model;
    const model = { name, version, tag, ...(alias ? { alias } : {}), run_id: metadata?.run_id ?? null, verified: metadata?.verified ?? null };
    const verified = model.verified as { reproduced?: boolean; time?: string } | null;
    const head = [
      `model ${name}@${version}${alias ? ` (#${alias})` : ''}: tag ${tag}${model.run_id ? `, registered from run ${model.run_id}` : ''}`,
      ...(verified ? [`  verified ${verified.reproduced ? 'reproducible' : 'NOT reproducible'} at ${verified.time}`] : []),
    ];
    return { data: { ...lineage, model }, text: opts.mermaid ? renderLineageMermaid(lineage) : [...head, ...renderLineageText(lineage)] };
  } finally {
    await (session as TrackingSession | null)?.store.close();
  }
}
