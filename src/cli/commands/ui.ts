import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { browserCommand } from '../browserCommand.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { positiveInt } from '../positiveInt.js';
import { serveUntilStopped } from './server/start.js';

/**
 * `cairn ui`: the web UI on this repository's runs — `cairn server` on loopback over the repository's store, its URL
 * printed and opened in a browser when there is one. Ctrl-C stops it.
 */
export function configure(cmd: Command): void {
  cmd
    .option('-p, --port <n>', 'port to listen on (0: any free port)', '5000')
    .option('--no-open', 'do not open a browser, only print the URL')
    .option('--backend-store-uri <uri>', "where runs are kept (default: the repository's store)")
    .option('--json', 'print the URL as JSON when the server is listening');
}

export async function run(ctx: CliContext, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const port = opts.port === '0' ? '0' : String(positiveInt(opts.port ?? '5000', '--port', 'cairn ui --port 8080'));
  if (Number(port) > 65535) throw new CairnError('USAGE', `--port must be at most 65535, not ${port}`, { hint: 'pick a port such as 8080, or 0 for any free one' });
  let opened = false;
  const listening = await serveUntilStopped(ctx, { host: '127.0.0.1', port, backendStoreUri: opts.backendStoreUri }, (l) => {
    if (ctx.json) process.stdout.write(`${JSON.stringify({ ...l, ui: l.url })}\n`);
    else ctx.info(`cairn UI: ${l.url}  (runs in ${l.backend}); Ctrl-C stops it`);
    const command = opts.open === false ? null : browserCommand(l.url, { env: ctx.env, platform: process.platform });
    if (command) opened = openDetached(command);
  });
  return { data: { ...listening, ui: listening.url, opened, stopped: true }, summary: ['cairn ui stopped'] };
}

/** Starts the browser without waiting for it; a missing opener (no xdg-open) is no error, the URL is printed anyway. */
function openDetached(command: string[]): boolean {
  try {
    const child = spawn(command[0], command.slice(1), { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
