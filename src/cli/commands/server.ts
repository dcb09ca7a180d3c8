import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

const BACKEND_HELP = "the server's database: a SQLite file (default: the repository's store) or postgresql://...";

/**
 * `cairn server`: the team tracking server (`start`, the default), and its tokens (`token create|list|revoke`).
 * Each sub-command's work lives in its own file under commands/server/.
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
    .option('--auth', 'require a token on every request but /health and /version (on by default off loopback)')
    .option('--insecure', 'allow listening on a non-loopback address without authentication')
    .option('--max-body-mb <n>', 'largest request body accepted, in MiB (artifact uploads stream and are not limited by it)', '64')
    .option('--registry <kind>', "the model registry: git (this repository's Git tags), db (the server's database) or auto: git when cairn.yaml declares artifacts: or tags hold models", 'auto')
    .option('--json', 'print the server address as JSON when it is listening');

  const token = cmd.command('token').description("Manage the server's access tokens (read / write / admin scopes)");
  token
    .command('create')
    .description('Create a token and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what the token is for (shown in the request log)')
    .option('--scope <scope>', 'read, write (includes read) or admin (includes write)', 'read')
    .option('--expires <duration>', 'lifetime, e.g. 90m, 12h, 30d, 8w, 1y (default: never)')
    .option('--backend-store-uri <uri>', BACKEND_HELP)
    .option('--json', 'print the token and its details as JSON');
  token
    .command('list')
    .description('List the tokens (never their secrets)')
    .option('--backend-store-uri <uri>', BACKEND_HELP)
    .option('--json', 'print the list as JSON');
  token
    .command('revoke')
    .description('Revoke a token by id or name; it stops working at once')
    .argument('<id-or-name>', 'the token to revoke')
    .option('--backend-store-uri <uri>', BACKEND_HELP)
    .option('--json', 'print the revoked token as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  const sub = cmd.parent?.name() === 'token' ? `token ${cmd.name()}` : cmd.name();
  if (sub === 'start') return (await import('./server/start.js')).startCommand(ctx, opts);
  if (sub.startsWith('token ')) return (await import('./server/token.js')).tokenCommand(ctx, cmd.name(), args, opts);
  throw new CairnError('USAGE', `unknown server sub-command "${sub}"`, { hint: 'see `cairn help server`' });
}
