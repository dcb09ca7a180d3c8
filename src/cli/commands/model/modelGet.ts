import { findRepoRoot } from '../../../core/repo.js';
import { CairnError } from '../../../core/errors.js';
import { getModel } from '../../../registry/git/getModel.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { positiveInt } from '../../positiveInt.js';
import { registryRoot } from './modelOptions.js';

export async function modelGet(ctx: CliContext, ref: string, opts: Record<string, unknown>): Promise<CommandResult> {
  let url = opts.repo as string | undefined;
  if (!url) {
    // This repository's registry; its cache is tried before its remote, so a local model downloads nothing.
    url = findRepoRoot(ctx.cwd) ?? (await registryRoot(ctx).catch(() => null)) ?? undefined;
    if (!url) throw new CairnError('NOT_FOUND', `not a Git repository: ${ctx.cwd}`, { hint: 'run it inside the repository, or give --repo GIT_URL' });
  }
  const r = await getModel({
    ref,
    url,
    out: opts.out as string | undefined,
    force: Boolean(opts.force),
    jobs: positiveInt(opts.jobs, '--jobs', '-j 8'),
    ctx,
  });
  const { model, ...got } = r;
  return {
    data: { ...got, name: model.name, version: model.version, tag: model.tag, alias: model.alias ?? null, metadata: model.metadata },
    summary: [`Downloaded ${model.name} ${model.version}${model.alias ? ` (${model.alias})` : ''} at ${model.commit.slice(0, 12)} to ${got.out}: ${got.files} file${got.files === 1 ? '' : 's'}`],
  };
}
