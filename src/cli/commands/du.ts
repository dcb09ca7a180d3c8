import type { Command } from 'commander';
import { formatBytes } from '../../core/formatBytes.js';
import { openRepo } from '../../core/repo.js';
import { diskUsage } from '../../data/diskUsage.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[paths...]', 'tracked paths to measure (default: every tracked path)')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[], _opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const usage = await diskUsage(repo, { cwd: ctx.cwd, targets: args.flat() });
  const rows = [
    ['logical', 'stored', 'dedup', 'path'],
    ...usage.paths.map((p) => [formatBytes(p.logical), formatBytes(p.stored), `${p.ratio.toFixed(2)}x`, `${p.path}${p.kind === 'dir' ? '/' : ''}${p.notCached ? `  (${p.notCached} not in the cache)` : ''}`]),
    [formatBytes(usage.total.logical), formatBytes(usage.total.stored), `${usage.total.ratio.toFixed(2)}x`, `total (${usage.total.files} file${usage.total.files === 1 ? '' : 's'})`],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const text = rows.map((r) => `${r[0].padStart(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`);
  const c = usage.cache;
  const summary = [`cache: ${formatBytes(c.logical)} of content (every version) in ${formatBytes(c.bytes)} on disk, ${c.ratio.toFixed(2)}x; ${c.objects} object(s), ${c.chunkedFiles} chunked file(s), in ${repo.cacheDir}`];
  return { data: usage, text, summary };
}
