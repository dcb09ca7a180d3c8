import { promoteVersion } from '../../../registry/git/promoteVersion.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { pushTarget, readRun, registryRoot } from './modelOptions.js';

export async function modelPromote(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const root = await registryRoot(ctx);
  const push = await pushTarget(root, opts);
  const runId = opts.run as string | undefined;
  const r = await promoteVersion({
    cwd: root,
    name: args[0],
    version: args[1],
    alias: opts.to as string,
    gate: opts.if as string | undefined,
    // With --run, the gate reads that run's latest metrics and params from the tracking store.
    subject: runId
      ? async () => {
          const run = await readRun(ctx, runId);
          return {
            metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])),
            params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])),
            tags: Object.fromEntries(run.data.tags.map((t) => [t.key, t.value])),
            attributes: {},
          };
        }
      : undefined,
    push,
  });
  const summary = [`${r.name} ${r.version} is now ${r.alias} (tag ${r.tag})${r.gate ? `; gate passed: ${r.gate.expr}` : ''}`];
  summary.push(r.pushed ? `pushed ${r.tag} to ${r.pushed}` : `To share it, run: git push origin '${r.tag}'  (or promote with --push)`);
  return { data: r, summary };
}
