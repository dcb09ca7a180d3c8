import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { buildGraph, resolveTarget, type StageGraph } from '../../pipeline/dag.js';
import { loadPipeline, PIPELINE_FILE } from '../../pipeline/loadPipeline.js';
import { dagView, renderAscii, renderDot, renderMermaid } from '../../pipeline/renderDag.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[targets...]', 'show only these stages and what they depend on')
    .option('--full', 'with targets: show every stage connected to them, upstream and downstream')
    .option('--mermaid', 'print a Mermaid flowchart')
    .option('--md', 'print a Mermaid flowchart inside a Markdown code block')
    .option('--dot', 'print a Graphviz dot graph')
    .option('--json', 'print nodes and edges as JSON');
}

/** Every stage reachable from `start` following `next` edges (and, for --full, both directions). */
function reach(start: string[], graph: StageGraph, both: boolean): Set<string> {
  const seen = new Set(start);
  const queue = [...start];
  while (queue.length) {
    const n = queue.pop()!;
    const next = [...graph.upstream.get(n)!, ...(both ? graph.downstream.get(n)! : [])];
    for (const m of next) if (!seen.has(m)) (seen.add(m), queue.push(m));
  }
  return seen;
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const formats = (['mermaid', 'md', 'dot'] as const).filter((f) => opts[f]);
  if (formats.length > 1) throw new CairnError('USAGE', `choose one of --mermaid, --md and --dot, not ${formats.map((f) => `--${f}`).join(' and ')}`);
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const pipeline = await loadPipeline(repo);
  const graph = buildGraph(pipeline);
  const selected = args.length ? reach(args.flatMap((t) => resolveTarget(pipeline, t)), graph, Boolean(opts.full)) : undefined;
  const view = dagView(pipeline, graph, selected);
  if (view.nodes.length === 0) return { data: view, summary: [`No stages in ${PIPELINE_FILE}; add one with \`cairn stage add\`.`] };
  let text: string[];
  if (opts.mermaid) text = renderMermaid(view);
  else if (opts.md) text = ['```mermaid', ...renderMermaid(view), '```'];
  else if (opts.dot) text = renderDot(view);
  else text = renderAscii(view, { width: Math.max(40, Number(ctx.env.COLUMNS) || 100) });
  return { data: view, text };
}
