import { CairnError } from '../../../core/errors.js';
import { gitRoot, isGitRepo } from '../../../git/git.js';
import { defaultPushRemote } from '../../../git/tags.js';
import type { Run } from '../../../tracking/entities.js';
import { resolveRun } from '../../../tracking/trackingOps.js';
import type { CliContext } from '../../commandSpec.js';
import { ingestPendingQuietly, openTracking } from '../../tracking/openTracking.js';

/** The Git remote `--push` sends tags to (`--git-remote`, else the branch's remote, else origin); null without --push. */
export async function pushTarget(root: string, opts: Record<string, unknown>): Promise<string | undefined> {
  if (!opts.push) {
    if (opts.gitRemote) throw new CairnError('USAGE', '--git-remote needs --push', { hint: 'add --push to send the tag to that remote' });
    return undefined;
  }
  const remote = (opts.gitRemote as string | undefined) ?? (await defaultPushRemote(root));
  if (!remote) throw new CairnError('USAGE', '--push needs a Git remote, and this repository has none', { hint: 'add one with `git remote add origin URL`, or name one with --git-remote' });
  return remote;
}

/** A run of the repository's tracking store, by id or unique prefix. */
export async function readRun(ctx: CliContext, runId: string): Promise<Run> {
  const session = await openTracking(ctx);
  try {
    await ingestPendingQuietly(session, ctx);
    return await resolveRun(session.store, runId);
  } finally {
    await session.store.close();
  }
}

/** The Git repository the command reads tags of: a cairn repository is not needed (a GTO repository works too). */
export async function registryRoot(ctx: CliContext): Promise<string> {
  if (!(await isGitRepo(ctx.cwd))) {
    throw new CairnError('NOT_FOUND', `not a Git repository: ${ctx.cwd}`, { hint: 'the model registry lives in Git tags: run this inside a Git repository' });
  }
  return gitRoot(ctx.cwd);
}
