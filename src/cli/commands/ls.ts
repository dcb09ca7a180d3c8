import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import { listTracked } from '../../data/listTracked.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { existsInWorkspace, isRev, neitherRevNorPath, repoPrefix } from '../revOrPath.js';
import { formatBytes } from '../../core/formatBytes.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[rev]', 'a Git revision (branch, tag, commit); default: the pointers in the workspace')
    .argument('[path]', 'a tracked path or a folder holding tracked paths; default: the current folder')
    .option('-R, --recursive', 'list every file inside tracked directories')
    .option('--json', 'print the result as JSON');
}

/** Splits `[rev] [path]`: with one argument, an existing workspace path wins over a revision of the same name. */
async function splitArgs(repo: Repo, cwd: string, args: string[]): Promise<{ rev?: string; prefix: string }> {
  const defaultPrefix = repoPrefix(repo, cwd, '.');
  if (args.length === 0) return { prefix: defaultPrefix };
  if (args.length === 2) return { rev: args[0], prefix: repoPrefix(repo, cwd, args[1]) };
  const arg = args[0];
  if (existsInWorkspace(cwd, arg)) return { prefix: repoPrefix(repo, cwd, arg) };
  if (await isRev(repo, arg)) return { rev: arg, prefix: defaultPrefix };
  // Not in the workspace and not a revision: a tracked path whose data is not checked out, or a typo.
  return { prefix: repoPrefix(repo, cwd, arg) };
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const { rev, prefix } = await splitArgs(repo, ctx.cwd, args);
  let result;
  try {
    result = await listTracked(repo, { rev, path: prefix, recursive: Boolean(opts.recursive) });
  } catch (err) {
    if (args.length === 1 && rev === undefined && err instanceof CairnError && err.code === 'NOT_FOUND') {
      throw neitherRevNorPath(args[0]);
    }
    throw err;
  }
  for (const u of result.unreadable) {
    ctx.warn(`the tree object ${u.oid} of ${u.path} is ${u.reason} in the cache; its files are not listed (run \`cairn pull\`)`);
  }
  const width = Math.max(0, ...result.entries.map((e) => formatBytes(e.size).length));
  const text = result.entries.map((e) => {
    const name = e.kind === 'dir' ? `${e.path}/` : e.path;
    const files = e.files !== undefined ? `  (${e.files} file${e.files === 1 ? '' : 's'})` : '';
    const stage = e.stage && e.tracked ? `  [output of stage ${e.stage}]` : '';
    return `${(e.oid ?? '-').slice(0, 12).padEnd(12)}  ${formatBytes(e.size).padStart(width)}  ${name}${files}${stage}`;
  });
  return { data: result, text };
}
