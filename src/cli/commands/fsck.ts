import type { Command } from 'commander';
import { ERROR_CODES } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { fsck, type FsckResult } from '../../data/fsck.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { formatBytes } from '../../core/formatBytes.js';

export function configure(cmd: Command): void {
  cmd
    .option('--repair', 'move corrupt objects to the quarantine folder, so `cairn pull` can fetch good copies')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const result = await fsck(repo, { repair: Boolean(opts.repair) }, ctx);
  const text: string[] = [];
  for (const c of result.corrupt) text.push(`corrupt: ${c.oid} (${formatBytes(c.size)})`);
  for (const m of result.missing) text.push(`missing: ${m.path} (${m.oid})${m.stage ? ` [output of stage ${m.stage}]` : ''}`);
  for (const u of result.unreadableTrees) text.push(`unreadable tree: ${u.path} (${u.oid}, ${u.reason}); its files were not checked`);
  for (const c of result.chunked) text.push(`${c.reason} chunked file: ${c.oid}: ${c.message}${opts.repair ? ' (ref dropped: `cairn pull` fetches it again)' : ''}`);
  for (const p of result.packs.damaged) text.push(`damaged pack: packs/${p.pack}.pack (${p.problem})`);
  if (result.packs.salvaged) text.push(`salvaged: ${result.packs.salvaged} intact object(s) of damaged packs, copied into a new pack`);
  for (const q of result.packs.quarantined) text.push(`quarantined: ${q.file} -> ${q.to}`);
  for (const q of result.quarantined) text.push(`quarantined: ${q.oid} -> ${q.to}`);
  const summary = [...(text.length ? [''] : []), `Checked ${result.checked} object(s), ${formatBytes(result.checkedBytes)}`];
  if ((result.corrupt.length || result.packs.damaged.length) && !opts.repair) {
    summary.push('', 'Run `cairn fsck --repair` to quarantine the corrupt objects, then `cairn pull` (or re-add the data) to get good copies.');
  } else if (result.quarantined.length || result.packs.quarantined.length) {
    summary.push('', 'Run `cairn pull` (or re-add the data) to get good copies of the quarantined objects.');
  }
  if (result.missing.length) {
    const stages = [...new Set(result.missing.flatMap((m) => (m.stage ? [m.stage] : [])))];
    summary.push(`Missing objects can be fetched with \`cairn pull\`, or restored by re-adding the data${stages.length ? ` (stage outputs: by running their stage again, \`cairn repro -f ${stages.join(' ')}\`)` : ''}.`);
  }
  if (!result.corrupt.length && !result.missing.length && !result.unreadableTrees.length && !result.chunked.length && !result.packs.damaged.length) summary.push('No problems found.');
  return { data: result, text, summary, exitCode: fsckExitCode(result) };
}

/**
 * Like `git fsck`, a finding is a non-zero exit: damage first (corrupt objects or trees that do not parse: 6), then
 * absence (objects or trees the pointers need that the cache lacks: 4), so a script can tell "fetch" from "repair".
 */
function fsckExitCode(result: FsckResult): number {
  if (result.corrupt.length || result.packs.damaged.length || result.unreadableTrees.some((u) => u.reason !== 'missing') || result.chunked.some((c) => c.reason === 'corrupt')) return ERROR_CODES.INTEGRITY.exit;
  if (result.missing.length || result.unreadableTrees.length || result.chunked.length) return ERROR_CODES.NOT_FOUND.exit;
  return 0;
}
