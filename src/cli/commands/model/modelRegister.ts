import { CairnError } from '../../../core/errors.js';
import { openRepo } from '../../../core/repo.js';
import { registerVersion } from '../../../registry/git/registerVersion.js';
import type { BumpPart } from '../../../registry/git/semver.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { pushTarget, readRun } from './modelOptions.js';

const BUMPS = ['major', 'minor', 'patch'];

export async function modelRegister(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const bump = opts.bump as string | undefined;
  if (bump !== undefined && !BUMPS.includes(bump)) throw new CairnError('USAGE', `--bump ${bump}: expected major, minor or patch`, { hint: 'e.g. --bump minor' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const push = await pushTarget(repo.root, opts);
  const run = opts.run ? await readRun(ctx, opts.run as string) : undefined;
  const r = await registerVersion({
    repo,
    name: args[0],
    rev: args[1],
    path: opts.path as string | undefined,
    version: opts.version as string | undefined,
    bump: bump as BumpPart | undefined,
    run,
    type: opts.type as string | undefined,
    desc: opts.desc as string | undefined,
    labels: opts.label as string[] | undefined,
    push,
  });
  const summary = [`registered ${r.name} ${r.version} at ${r.commit.slice(0, 12)} (tag ${r.tag})`];
  summary.push(r.pushed ? `pushed ${r.tag} to ${r.pushed}` : `To share it, run: git push origin ${r.tag}  (or register with --push)`);
  return { data: r, summary };
}
