import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { workspaceStatus, type PathStatus } from '../../data/workspaceStatus.js';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.js';
import type { PipelineStatus } from '../../pipeline/pipelineStatus.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[paths...]', 'tracked paths to check (default: all)')
    .option('-r, --remote [name]', 'compare the cache with a remote instead (default remote without a name): what is not pushed, what is not local')
    .option('--exit-code', 'exit with 13 (CHANGED) when anything differs, like `git diff --exit-code` (default: 0 whenever the check ran)')
    .option('--json', 'print the result as JSON');
}

const MAX_LISTED = 50;

/** The files that differ inside a folder, as git status lists them. */
function fileLines(p: PathStatus): string[] {
  const files = [
    ...p.modified.map((f) => `\tmodified:  ${f}`),
    ...p.added.map((f) => `\tadded:     ${f}`),
    ...p.deleted.map((f) => `\tdeleted:   ${f}`),
  ];
  return files.length > MAX_LISTED ? [...files.slice(0, MAX_LISTED), `\t... and ${files.length - MAX_LISTED} more (see --json)`] : files;
}

/** Whether the path holds the user's own edits (content new to cairn), which `cairn commit` is for. */
const edited = (p: PathStatus) => p.workspace === 'modified' && !p.recorded;

/** The user's edits: what `cairn commit` would record. */
function describeEdit(p: PathStatus): string[] {
  if (p.kind === 'file') return [`${p.path}: modified`];
  const files = fileLines(p);
  return [`${p.path}/: ${files.length ? 'changed' : 'changed (its tree is not in the cache, so files cannot be listed)'}`, ...files];
}

/**
 * What the workspace or cache lacks compared with the pointer: data never pulled here (a fresh clone), deleted, or
 * a pointer moved under recorded data (`git checkout` of another commit). The fix is pull or checkout, never commit,
 * which would record the wrong version.
 */
function describeSync(p: PathStatus): string[] {
  const fetch = p.notInCache.length > 0;
  const fix = fetch ? `fetch and restore with \`cairn pull ${p.path}\`` : `restore with \`cairn checkout ${p.path}\``;
  if (p.workspace === 'missing') return [`${p.path}: missing from the workspace${fetch ? ' and not in the cache' : ''} (${fix})`];
  if (p.workspace === 'modified') {
    return [
      `${p.path}${p.kind === 'dir' ? '/' : ''}: holds data cairn recorded before, not the version its pointer names (the pointer changed, e.g. by \`git checkout\`; ${fix})`,
      ...(p.kind === 'dir' ? fileLines(p) : []),
    ];
  }
  return [];
}

function describeNotInCache(p: PathStatus): string[] {
  if (!p.notInCache.length || (p.workspace !== 'unchanged' && !edited(p))) return [];
  const what = p.treeMissing ? 'its tree object' : p.notInCache.length === 1 && p.kind === 'file' ? 'its object' : `${p.notInCache.length} file(s)`;
  const fix = p.stage
    ? `output of stage ${p.stage}: fetch with \`cairn pull ${p.path}\`, or produce it again with \`cairn repro -f ${p.stage}\``
    : `fetch with \`cairn pull ${p.path}\``;
  return [`${p.path}: ${what} not in cache (${fix})`];
}

/** The data section for people: first what to bring in (pull, checkout), then the edits to commit. */
function describeChanges(paths: PathStatus[]): string[] {
  const sync = paths.flatMap((p) => [...(edited(p) ? [] : describeSync(p)), ...describeNotInCache(p)]);
  const edits = paths.filter(edited).flatMap(describeEdit);
  return [
    ...(sync.length ? ['Tracked data that does not match its pointers (bring it with `cairn pull` or `cairn checkout`; nothing to commit):', ...sync] : []),
    ...(edits.length ? ['Changes in tracked data (record them with `cairn commit`, or discard with `cairn checkout --force`):', ...edits] : []),
  ];
}

/** The workspace part of `cairn status`; more sections (pipelines) can be appended to `text` and `data`. */
export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown> = {}): Promise<CommandResult> {
  // Loaded on demand: the remote backends and the pipeline modules are most of what a plain status would load.
  if (opts.remote !== undefined) return (await import('./remoteReports.js')).runStatusRemote(ctx, args, opts.remote, Boolean(opts.exitCode));
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const status = await workspaceStatus(repo, { ...ctx, targets: args });
  // What differs is the listing (kept by -q); that everything is up to date is a summary line.
  const text: string[] = [];
  const summary: string[] = [];
  if (status.paths.length === 0) summary.push('No data is tracked yet (track some with `cairn add`).');
  else if (status.clean) summary.push(`Tracked data is up to date (${status.paths.length} path${status.paths.length > 1 ? 's' : ''}).`);
  else text.push(...describeChanges(status.paths));
  // Pipeline staleness (stages that `cairn repro` would run, and why) when no paths narrow the question.
  // Loaded on demand: the pipeline modules are much of what a plain status would load.
  const pipelineModule = args.length ? null : await import('../../pipeline/pipelineStatus.js');
  const pipeline = pipelineModule ? await pipelineModule.pipelineStatus(repo, ctx) : null;
  if (pipeline) {
    const section = pipeline.changed.length || pipeline.error ? text : summary;
    section.push(...(section.length ? [''] : []), ...pipelineModule!.formatPipelineStatus(pipeline));
    if (pipeline.error?.hint) section.push(`  hint: ${pipeline.error.hint}`);
  }
  if (text.length && summary.length) summary.unshift('');
  const clean = status.clean && (!pipeline || (pipeline.changed.length === 0 && !pipeline.error));
  return { data: { clean, data: status, ...(pipeline ? { pipeline } : {}) }, text, summary, exitCode: statusExitCode(clean, pipeline, Boolean(opts.exitCode)) };
}

/**
 * A pipeline that cannot be read is an error even though the data status was shown in its place: exit with its code
 * (3 for an invalid cairn.yaml), with or without --exit-code. Otherwise differences exit CHANGED only on request.
 */
function statusExitCode(clean: boolean, pipeline: PipelineStatus | null, exitCode: boolean): number {
  if (pipeline?.error) return ERROR_CODES[pipeline.error.code as ErrorCode]?.exit ?? ERROR_CODES.INTERNAL.exit;
  return clean || !exitCode ? 0 : ERROR_CODES.CHANGED.exit;
}
