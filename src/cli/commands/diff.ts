import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import { diffData } from '../../data/diffData.js';
import { isEmptyDiff } from '../../data/diffTrees.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { formatBytes } from '../../core/formatBytes.js';
import { existsInWorkspace, isRev, neitherRevNorPath, repoPrefix } from '../revOrPath.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[args...]', '[REV_A [REV_B]] [targets...]: revisions first (REV_A defaults to HEAD, REV_B to the workspace), then tracked paths')
    .option('--json', 'print the result as JSON');
}

/** Leading arguments that name revisions (and not existing workspace paths) are revisions; the rest are targets. */
async function splitArgs(repo: Repo, cwd: string, args: string[]): Promise<{ revs: string[]; targets: string[] }> {
  const revs: string[] = [];
  let i = 0;
  for (; i < args.length && revs.length < 2; i++) {
    if (existsInWorkspace(cwd, args[i]) || !(await isRev(repo, args[i]))) break;
    revs.push(args[i]);
  }
  const targets = args.slice(i).map((t) => repoPrefix(repo, cwd, t).replace(/\.cairn$/, ''));
  return { revs, targets };
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const { revs, targets } = await splitArgs(repo, ctx.cwd, args);
  let result;
  try {
    result = await diffData(repo, { a: revs[0], b: revs[1], targets: targets.filter((t) => t !== '') }, ctx);
  } catch (err) {
    const first = args[revs.length];
    if (err instanceof CairnError && err.code === 'NOT_FOUND' && first !== undefined && !existsInWorkspace(ctx.cwd, first)) {
      throw neitherRevNorPath(first);
    }
    throw err;
  }
  for (const u of result.unreadable) {
    ctx.warn(`the tree object ${u.oid} of ${u.path} is ${u.reason} in the cache: ${u.path} is compared as a whole (run \`cairn pull\` for file detail)`);
  }
  for (const a of result.absent) ctx.warn(`${a} is tracked but not in the workspace (run \`cairn checkout ${a}\`)`);
  const text: string[] = [];
  // A file of a pipeline output is named with its stage: it changes by `cairn repro`, not by editing.
  const stageOf = (p: string) => {
    const o = result.outputs.find((x) => p === x.path || p.startsWith(`${x.path}/`));
    return o ? `  [stage ${o.stage}]` : '';
  };
  for (const e of result.added) text.push(`added:     ${e.path}  (${formatBytes(e.size)})${stageOf(e.path)}`);
  for (const e of result.modified) text.push(`modified:  ${e.path}  (${formatBytes(e.old.size)} -> ${formatBytes(e.new.size)})${stageOf(e.path)}`);
  for (const e of result.deleted) text.push(`deleted:   ${e.path}  (${formatBytes(e.size)})${stageOf(e.path)}`);
  for (const e of result.renamed) text.push(`renamed:   ${e.from} -> ${e.to}  (${formatBytes(e.size)})${stageOf(e.to)}`);
  const against = result.b ? result.b.rev : 'the workspace';
  const summary: string[] = [];
  if (isEmptyDiff(result)) summary.push(`No changes in tracked data between ${result.a.rev} and ${against}.`);
  else {
    const n = result.added.length + result.modified.length + result.deleted.length + result.renamed.length;
    summary.push(`${n} file(s) changed between ${result.a.rev} and ${against}: ${result.added.length} added, `
      + `${result.modified.length} modified, ${result.deleted.length} deleted, ${result.renamed.length} renamed`);
  }
  return { data: result, text, summary };
}
