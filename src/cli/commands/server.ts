import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

/**
 * `cairn server`: the team tracking server (`start`, the default), and its tokens (`token`). Each sub-command's
 * work lives in its own file under commands/server/.
 */
export function configure(cmd: Command): void {
  cmd
    .command('start', { isDefault: true })
    .description('Run the tracking server (MLflow-compatible REST API) until Ctrl-C or SIGTERM')
    .option('--host <address>', 'address to listen on (anything but loopback needs auth or --insecure)', '127.0.0.1')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', '5000')
    .option('--backend-store-uri <uri>', "where runs are kept: a SQLite file (default: the repository's store) or postgresql://...")
    .option('--artifacts-destination <url>', "where artifact bytes go: a remote URL (a folder, s3://..., ssh://...) or a remote's name (default: the repository's cache, else ./cairn-artifacts)")
    .option('--artifacts-max-upload <size>', 'largest artifact file accepted (e.g. 500MB, 20GiB)', '5GiB')
    .option('--insecure', 'allow listening on a non-loopback address without authentication')
    .option('--json', 'print the server address as JSON when it is listening');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  const sub = cmd.name();
  if (sub === 'start') return (await import('./server/start.js')).startCommand(ctx, opts);
  throw new CairnError('USAGE', `unknown server sub-command "${sub}"`, { hint: 'see `cairn help server`' });
}
