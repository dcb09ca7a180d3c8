import { CairnError, ERROR_CODES } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { gcRemote } from '../../remote/gcRemote.js';
import { remoteStatus } from '../../remote/remoteStatus.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

/** The remote name from `--remote [name]` / `-r name`: a string, or true for "the default remote". */
const remoteName = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** `cairn status --remote [name]`: per tracked path, what is not pushed and what is not local. With exitCode, exit 13 (CHANGED) when out of sync. */
export async function runStatusRemote(ctx: CliContext, args: string[], remote: unknown, exitCode = false): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const report = await remoteStatus(repo, { targets: args, remote: remoteName(remote) }, ctx);
  const out = report.paths.filter((p) => p.state !== 'in sync');
  const text = out.length === 0 ? [] : [`Compared with remote "${report.remote}" (${report.url}):`, ...out.map((p) => {
      const parts = [];
      if (p.notPushed) parts.push(`${p.notPushed} not pushed`);
      if (p.notLocal) parts.push(`${p.notLocal} not local`);
      if (p.missing) parts.push(`${p.missing} missing everywhere`);
      if (p.unknownFiles) parts.push('files unknown (tree in neither place)');
      return `\t${p.state.padEnd(10)}  ${p.path} (${parts.join(', ')} of ${p.objects} object${p.objects === 1 ? '' : 's'})`;
    })];
  const summary = out.length === 0
    ? [`Tracked data is in sync with remote "${report.remote}" (${report.paths.length} path${report.paths.length === 1 ? '' : 's'}).`]
    : ['', 'Send with `cairn push`, bring with `cairn pull`.'];
  return { data: { ...report, clean: out.length === 0 }, text, summary, exitCode: out.length && exitCode ? ERROR_CODES.CHANGED.exit : 0 };
}

/** `cairn gc --remote [name]`: deletes unreferenced objects on a remote, with the same scopes as a local gc. */
export async function runGcRemote(ctx: CliContext, opts: Record<string, unknown>): Promise<CommandResult> {
  const dryRun = Boolean(opts.dryRun);
  if (!dryRun && !opts.force) {
    throw new CairnError('USAGE', 'cairn gc --remote deletes data others may need and needs --force (or --dry-run to see what would go)', {
      hint: 'run `cairn gc --remote -w --dry-run` first, then again with --force',
    });
  }
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const scope = {
    workspace: Boolean(opts.workspace), allBranches: Boolean(opts.allBranches), allTags: Boolean(opts.allTags), allCommits: Boolean(opts.allCommits),
  };
  const report = await gcRemote(repo, { remote: remoteName(opts.remote), scope, dryRun }, ctx);
  const head = `${report.remove.length} unreferenced object(s) of ${report.total} on remote "${report.remote}"; keeping ${report.keep}`;
  return { data: report, text: dryRun ? report.remove.map((o) => `  ${o}`) : [], summary: [`${dryRun ? 'Would delete' : 'Deleted'} ${head}`] };
}
