import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { formatBytes } from '../../core/formatBytes.js';
import { migrateCache } from '../../data/packs/migrateCache.js';
import { openRemoteSpec } from '../../remote/openRemote.js';
import { migrateRemote } from '../../remote/packs/migrateRemote.js';
import { resolveRemote } from '../../remote/remoteConfig.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd.command('migrate')
    .description('convert the cache (or with --remote, a remote) to layout 2 in place: small objects into packs; resumable')
    .option('-r, --remote [name]', 'migrate a remote (the default remote without a name) instead of the cache')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, _args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  if (cmd.name() !== 'migrate') throw new CairnError('USAGE', `unknown cache sub-command "${cmd.name()}"`, { hint: 'see `cairn help cache`' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  if (opts.remote !== undefined) {
    const name = typeof opts.remote === 'string' ? opts.remote : undefined;
    const remote = await openRemoteSpec(resolveRemote(repo, name), repo.root, ctx);
    try {
      const r = await migrateRemote(remote, repo.cacheDir, ctx);
      return {
        data: r,
        summary: [`Remote "${r.remote}" is layout 2: packed ${r.packed} object(s) (${formatBytes(r.packedBytes)}) into ${r.packs} pack(s), removed ${r.removed} loose copies`
          + (r.corrupt.length ? `; ${r.corrupt.length} corrupt object(s) left loose` : '')],
      };
    } finally {
      await remote.close();
    }
  }
  const onWait = (holder: string) => ctx.info(`waiting for the repository lock (held by ${holder})...`);
  const r = await withRepoLock(repo.tmpDir, { onWait }, () => migrateCache(repo.cacheDir, ctx));
  return {
    data: { cache: repo.cacheDir, ...r },
    summary: [`The cache is layout 2: packed ${r.packed} object(s) (${formatBytes(r.packedBytes)}) into ${r.packs} pack(s)`
      + (r.corrupt.length ? `; ${r.corrupt.length} corrupt object(s) left loose (run \`cairn fsck --repair\`)` : '')],
  };
}
