import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import { listTracked } from '../../data/listTracked.js';
import { POINTER_SUFFIX } from '../../data/pointer.js';
import { git } from '../../git/git.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { formatBytes } from '../output/formatBytes.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[rev]', 'a Git revision (branch, tag, commit); default: the pointers in the workspace')
    .argument('[path]', 'a tracked path or a folder holding tracked paths; default: the current folder')
    .option('-R, --recursive', 'list every file inside tracked directories')
    .option('--json', 'print the result as JSON');
}

/** A user-typed path as a repo-relative prefix ('' for the root). Lexical: at a past revision it need not exist. */
export function repoPrefix(repo: Repo, cwd: string, input: string): string {
  const rel = path.relative(repo.root, path.resolve(cwd, input));
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new CairnError('USAGE', `${input} is outside the repository (${repo.root})`, { hint: 'name a path inside the repository' });
  }
  return rel.split(path.sep).join('/');
}

async function isRev(repo: Repo, arg: string): Promise<boolean> {
  if (!repo.git) return false;
  return (await git(repo.root, ['rev-parse', '--verify', '--quiet', `${arg}^{commit}`], { allowFail: true })).code === 0;
}

/** Splits `[rev] [path]`: with one argument, an existing workspace path wins over a revision of the same name. */
async function splitArgs(repo: Repo, cwd: string, args: string[]): Promise<{ rev?: string; prefix: string }> {
  const defaultPrefix = repoPrefix(repo, cwd, '.');
  if (args.length === 0) return { prefix: defaultPrefix };
  if (args.length === 2) return { rev: args[0], prefix: repoPrefix(repo, cwd, args[1]) };
  const arg = args[0];
  const abs = path.resolve(cwd, arg);
  if (existsSync(abs) || existsSync(abs.replace(/[\\/]+$/, '') + POINTER_SUFFIX)) return { prefix: repoPrefix(repo, cwd, arg) };
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
      throw new CairnError('NOT_FOUND', `"${args[0]}" is neither a Git revision nor a tracked path`, {
        hint: 'use a branch, tag or commit id that `git log` shows, or a path that `cairn ls` lists',
      });
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
    return `${(e.oid ?? '-').slice(0, 12).padEnd(12)}  ${formatBytes(e.size).padStart(width)}  ${name}${files}`;
  });
  return { data: result, text };
}
