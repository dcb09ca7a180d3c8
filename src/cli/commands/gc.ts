import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { applyGc, planRepoGc } from '../../data/gc.js';
import type { GcScope } from '../../data/gcReferences.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { runGcRemote } from './remoteReports.js';
import { keepRunArtifacts } from '../tracking/keepRunArtifacts.js';
import { formatBytes } from '../../core/formatBytes.js';

export function configure(cmd: Command): void {
  cmd
    .option('-w, --workspace', 'keep what the workspace pointers (and HEAD) use')
    .option('-a, --all-branches', 'keep what the tip of every branch uses')
    .option('-T, --all-tags', 'keep what every tag uses')
    .option('-A, --all-commits', 'keep what any commit uses')
    .option('-n, --dry-run', 'list what would be deleted, with sizes, and delete nothing')
    .option('-f, --force', 'delete without asking for confirmation')
    .option('-r, --remote [name]', 'collect garbage on a remote (the default remote without a name) instead of the cache')
    .option('--json', 'print the result as JSON');
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function run(ctx: CliContext, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  if (opts.remote !== undefined) return runGcRemote(ctx, opts);
  const scope: GcScope = {
    workspace: Boolean(opts.workspace),
    allBranches: Boolean(opts.allBranches),
    allTags: Boolean(opts.allTags),
    allCommits: Boolean(opts.allCommits),
  };
  const dryRun = Boolean(opts.dryRun);
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock (held by ${holder})...`);
  // The lock is held from planning to deleting, so an object added meanwhile can never be deleted as unreferenced.
  return withRepoLock(repo.tmpDir, { onWait }, async () => {
    const planned = await planRepoGc(repo, scope, ctx);
    const references = planned.references;
    // Run artifacts are cache objects too, referenced by the tracking store rather than by pointers.
    const { plan } = await keepRunArtifacts(repo, planned.plan);
    if (!repo.git && (scope.allBranches || scope.allTags || scope.allCommits)) {
      ctx.warn('this repository has no Git history (cairn init --no-git): only the workspace pointers are kept');
    }
    const rel = path.relative(repo.root, repo.cacheDir);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      ctx.warn(`the cache ${repo.cacheDir} is outside this repository: objects only other repositories use would be deleted too`);
    }
    for (const u of references.unreadable) {
      ctx.warn(`the tree object ${u.oid} of ${u.path} is ${u.reason}: the files inside it are not known and may be deleted`);
    }
    for (const i of references.invalid) ctx.warn(`skipped ${i.where}: ${i.message}`);
    const summary = {
      scope,
      dryRun,
      commits: references.commits,
      referenced: references.referenced,
      keep: plan.keep,
      keepBytes: plan.keepBytes,
      remove: plan.remove,
      removeBytes: plan.removeBytes,
      unreadableTrees: references.unreadable,
      invalid: references.invalid,
    };
    const head = `${plan.remove.length} unreferenced object(s), ${formatBytes(plan.removeBytes)}; keeping ${plan.keep} (${formatBytes(plan.keepBytes)})`;
    if (dryRun) {
      const lines = plan.remove.map((o) => `  ${o.oid}  ${formatBytes(o.size)}`);
      return { data: { ...summary, removed: 0, freedBytes: 0 }, text: lines, summary: [`Would delete ${head}`] };
    }
    if (plan.remove.length === 0) {
      return { data: { ...summary, removed: 0, freedBytes: 0 }, summary: [`Nothing to delete; keeping ${plan.keep} object(s) (${formatBytes(plan.keepBytes)})`] };
    }
    if (!opts.force) {
      if (!process.stdin.isTTY || ctx.json) {
        throw new CairnError('USAGE', `cairn gc would delete ${plan.remove.length} object(s) (${formatBytes(plan.removeBytes)}) and needs confirmation`, {
          hint: 'run it with --force to delete without asking, or --dry-run to see the list first',
        });
      }
      if (!(await confirm(`Delete ${head}? [y/N] `))) {
        return { data: { ...summary, removed: 0, freedBytes: 0, cancelled: true }, summary: ['Nothing deleted.'] };
      }
    }
    const { removed, freedBytes, packs } = await applyGc(repo, plan, ctx);
    const packNote = packs ? `; packs: ${packs.rewritten} rewritten, ${packs.deleted} deleted${packs.keptGarbage ? `, ${packs.keptGarbage} garbage object(s) left in mostly live packs` : ''}` : '';
    return {
      data: { ...summary, removed, freedBytes, ...(packs ? { packs } : {}) },
      summary: [`Deleted ${removed} object(s), freed ${formatBytes(freedBytes)}; kept ${plan.keep} (${formatBytes(plan.keepBytes)})${packNote}`],
    };
  });
}
