import { Command, CommanderError } from 'commander';
import { CairnError, isCairnError, redactSecrets } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import type { CliContext, CommandEntry, CommandModule } from './commandSpec.js';
import { COMMANDS, findCommand } from './registry.js';
import { makeColors } from './output/color.js';
import { makeProgress } from './output/progress.js';
import { formatJson } from './output/formatJson.js';

const GLOBAL_HELP = `
Examples:
  cairn init                      set up cairn in a Git repository
  cairn add data/ model.bin       version a dataset and a model
  cairn help add                  show help and examples for one command

Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid input, 4 not found, 5 conflict, 6 integrity,
7 remote, 8 auth, 9 permission, 10 no space, 11 locked, 12 stage failed, 130 interrupted.`;

/** Parses argv, runs one command, prints its result, and returns the process exit code. The only place that prints errors. */
export async function runCli(argv: string[]): Promise<number> {
  // A reader that goes away (`cairn ls | head`) is not an error: stop quietly, as git does.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const wantsJson = argv.includes('--json');
  const stderrTty = Boolean(process.stderr.isTTY);
  const colorOk = !process.env.NO_COLOR && !argv.includes('--no-color');
  const colors = makeColors(colorOk && stderrTty);
  try {
    return await dispatch(argv, colorOk);
  } catch (err) {
    return reportError(err, { json: wantsJson, verbose: argv.includes('-v') || argv.includes('--verbose'), colors });
  }
}

function firstPositional(argv: string[]): number {
  return argv.findIndex((a) => !a.startsWith('-'));
}

function programShell(): Command {
  const program = new Command('cairn')
    .description('Version data and models beside your code, reproduce pipelines, track experiments.')
    .option('-q, --quiet', 'print only errors and requested data')
    .option('-v, --verbose', 'print more detail (and stack traces of internal errors)')
    .option('--no-color', 'do not color output (NO_COLOR also works)')
    .option('-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);
  return program;
}

function listHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: cairn [options] <command> [args]\n\nVersion data and models beside your code, reproduce pipelines, track experiments.\n\nCommands:\n${lines.join('\n')}\n\nOptions:\n  -q, --quiet     print only errors and requested data\n  -v, --verbose   print more detail\n  --no-color      do not color output\n  -V, --version   print the version\n${GLOBAL_HELP}\n`;
}

async function dispatch(argv: string[], colorOk: boolean): Promise<number> {
  const at = firstPositional(argv);
  if (at < 0) {
    if (argv.includes('-V') || argv.includes('--version')) {
      const { readFileSync } = await import('node:fs');
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`cairn ${pkg.version}\n`);
      return 0;
    }
    process.stdout.write(listHelp());
    return argv.length === 0 || argv.includes('-h') || argv.includes('--help') ? 0 : 2;
  }
  let name = argv[at];
  let rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === 'help') {
    const target = argv[at + 1];
    if (!target) {
      process.stdout.write(listHelp());
      return 0;
    }
    name = target;
    rest = [...argv.slice(at + 2), '--help'];
  }
  const entry = findCommand(name);
  if (!entry) {
    const guess = didYouMean(name, COMMANDS.map((c) => c.name));
    throw new CairnError('USAGE', `unknown command "${name}"`, {
      hint: guess ? `did you mean \`cairn ${guess}\`? (\`cairn --help\` lists all commands)` : '`cairn --help` lists all commands',
    });
  }
  const module = await entry.load();
  const program = programShell();
  const cmd = program.command(entry.name).description(entry.summary);
  module.configure(cmd);
  let result: Awaited<ReturnType<CommandModule['run']>> | undefined;
  let ran = false;
  const abort = new AbortController();
  const kill = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) {
      // Second interrupt: the kill listeners (stage process groups get SIGKILL) run synchronously, then we go.
      kill.abort();
      process.exit(130);
    }
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  attachActions(cmd, entry, async (leaf) => {
    ran = true;
    const opts = leaf.optsWithGlobals() as Record<string, unknown>;
    const json = Boolean(opts.json);
    const quiet = Boolean(opts.quiet);
    const tty = Boolean(process.stderr.isTTY);
    const progress = await makeProgress(tty && !quiet && !process.env.CI);
    const ctx: CliContext = {
      cwd: process.cwd(),
      env: process.env,
      json,
      quiet,
      verbose: Boolean(opts.verbose),
      color: colorOk && Boolean(process.stdout.isTTY),
      tty,
      signal: abort.signal,
      kill: kill.signal,
      onProgress: progress.sink,
      onLog: (level, message) => {
        if (level === 'debug' && !opts.verbose) return;
        if (level === 'info' && quiet) return;
        progress.stop();
        process.stderr.write(`${level === 'warn' ? 'warning: ' : ''}${redactSecrets(message)}\n`);
      },
      info: (message) => {
        if (!quiet) process.stderr.write(`${redactSecrets(message)}\n`);
      },
      warn: (message) => process.stderr.write(`warning: ${redactSecrets(message)}\n`),
    };
    try {
      result = await module.run(ctx, leaf.args, opts, leaf);
    } finally {
      progress.stop();
    }
    if (json) {
      process.stdout.write(formatJson(result.data) + '\n');
    } else if (result.text !== undefined) {
      const text = Array.isArray(result.text) ? result.text.join('\n') : result.text;
      if (text.length) process.stdout.write(redactSecrets(text) + (text.endsWith('\n') ? '' : '\n'));
    }
  });
  try {
    await program.parseAsync(['node', 'cairn', entry.name, ...rest]);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return 0;
      throw new CairnError('USAGE', err.message.replace(/^error: /, ''), { hint: `see \`cairn help ${entry.name}\`` });
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (!ran) return 0;
  return result?.exitCode ?? 0;
}

/** Gives every leaf command the shared action, and every command its examples in --help. */
function attachActions(cmd: Command, entry: CommandEntry, action: (leaf: Command) => Promise<void>): void {
  cmd.exitOverride();
  if (cmd.commands.length === 0) {
    cmd.action(async (...args: unknown[]) => action(args[args.length - 1] as Command));
  } else {
    for (const sub of cmd.commands) attachActions(sub, entry, action);
  }
  if (cmd.parent?.name() === 'cairn') {
    cmd.addHelpText('after', `\nExamples:\n${entry.examples.map((e) => `  ${e}`).join('\n')}\n`);
  }
}

function reportError(
  err: unknown,
  options: { json: boolean; verbose: boolean; colors: ReturnType<typeof makeColors> },
): number {
  const error = isCairnError(err) ? err : new CairnError('INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`, {
    hint: 'this is a bug in cairn; run again with -v for the stack trace and report it',
    cause: err,
  });
  if (options.json) {
    process.stdout.write(formatJson({ error: error.toJSON() }) + '\n');
  } else {
    process.stderr.write(`${options.colors.red('error:')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${options.colors.dim('hint:')} ${error.hint}\n`);
  }
  if (options.verbose && !isCairnError(err) && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return error.exitCode;
}
