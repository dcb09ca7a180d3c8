import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { workspaceStatus, type PathStatus } from '../../data/workspaceStatus.js';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.js';
import { formatPipelineStatus, pipelineStatus, type PipelineStatus } from '../../pipeline/pipelineStatus.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { runStatusRemote } from './remoteReports.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[paths...]', 'tracked paths to check (default: all)')
    .option('-r, --remote [name]', 'compare the cache with a remote instead (default remote without a name): what is not pushed, what is not local')
    .option('--exit-code', 'exit with 13 (CHANGED) when anything differs, like `git diff --exit-code` (default: 0 whenever the check ran)')
    .option('--json', 'print the result as JSON');
}

const MAX_LISTED = 50;

function describe(p: PathStatus): string[] {
  const lines: string[] = [];
  if (p.workspace === 'missing') lines.push(`${p.path}: missing from the workspace (restore with \`cairn checkout ${p.path}\`)`);
  else if (p.workspace === 'modified' && p.kind === 'file') lines.push(`${p.path}: modified`);
  else if (p.workspace === 'modified') {
    const files = [
      ...p.modified.map((f) => `\tmodified:  ${f}`),
      ...p.added.map((f) => `\tadded:     ${f}`),
      ...p.deleted.map((f) => `\tdeleted:   ${f}`),
    ];
    lines.push(`${p.path}/: ${files.length ? 'changed' : 'changed (its tree is not in the cache, so files cannot be listed)'}`);
    lines.push(...files.slice(0, MAX_LISTED));
    if (files.length > MAX_LISTED) lines.push(`\t... and ${files.length - MAX_LISTED} more (see --json)`);
  }
  if (p.notInCache.length) {
    const what = p.treeMissing ? 'its tree object' : p.notInCache.length === 1 && p.kind === 'file' ? 'its object' : `${p.notInCache.length} file(s)`;
    const fix = p.stage
      ? `output of stage ${p.stage}: fetch with \`cairn pull ${p.path}\`, or produce it again with \`cairn repro -f ${p.stage}\``
      : `fetch with \`cairn pull ${p.path}\``;
    lines.push(`${p.path}: ${what} not in cache (${fix})`);
  }
  return lines;
}

/** The workspace part of `cairn status`; more sections (pipelines) can be appended to `text` and `data`. */
export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown> = {}): Promise<CommandResult> {
  if (opts.remote !== undefined) return runStatusRemote(ctx, args, opts.remote, Boolean(opts.exitCode));
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const status = await workspaceStatus(repo, { ...ctx, targets: args });
  const text: string[] = [];
  if (status.paths.length === 0) text.push('No data is tracked yet (track some with `cairn add`).');
  else if (status.clean) text.push(`Tracked data is up to date (${status.paths.length} path${status.paths.length > 1 ? 's' : ''}).`);
  else {
    text.push('Changes in tracked data (record them with `cairn commit`, or discard with `cairn checkout --force`):');
    for (const p of status.paths) text.push(...describe(p));
  }
  // Pipeline staleness (stages that `cairn repro` would run, and why) when no paths narrow the question.
  const pipeline = args.length ? null : await pipelineStatus(repo, ctx);
  if (pipeline) text.push('', ...formatPipelineStatus(pipeline));
  if (pipeline?.error?.hint) text.push(`  hint: ${pipeline.error.hint}`);
  const clean = status.clean && (!pipeline || (pipeline.changed.length === 0 && !pipeline.error));
  return { data: { clean, data: status, ...(pipeline ? { pipeline } : {}) }, text, exitCode: statusExitCode(clean, pipeline, Boolean(opts.exitCode)) };
}

/**
 * A pipeline that cannot be read is an error even though the data status was shown in its place: exit with its code
 * (3 for an invalid cairn.yaml), with or without --exit-code. Otherwise differences exit CHANGED only on request.
 */
function statusExitCode(clean: boolean, pipeline: PipelineStatus | null, exitCode: boolean): number {
  if (pipeline?.error) return ERROR_CODES[pipeline.error.code as ErrorCode]?.exit ?? ERROR_CODES.INTERNAL.exit;
  return clean || !exitCode ? 0 : ERROR_CODES.CHANGED.exit;
}
