import { Command, CommanderError } from 'commander';
import { CairnError, ERROR_CODES, isCairnError, redactSecrets } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import type { CliContext, CommandEntry, CommandModule } from './commandSpec.js';
import { COMMANDS, findCommand } from './registry.js';
import { makeColors } from './output/color.js';
import { makeProgress } from './output/progress.js';
import { formatJson } from './output/formatJson.js';
import { fullHelp, shortHelp } from './output/helpText.js';
import { commandPath, usageError } from './usageError.js';

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
    // No -V/--version here: `cairn --version` is answered before a command is parsed, and under a command
    // `--version` is that command's own (`cairn model register NAME --version v1.2.0`).
    .exitOverride()
    // Parse errors are thrown and printed once, by reportError, in cairn's format (and as JSON under --json).
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s), outputError: () => {} })
    .showHelpAfterError(false)
    .allowExcessArguments(false);
  return program;
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
    if (argv.includes('-h') || argv.includes('--help')) {
      process.stdout.write(fullHelp());
      return 0;
    }
    // No command (`cairn`, `cairn -q`): the short help, and a usage exit code, as `git` alone does.
    process.stdout.write(shortHelp());
    return ERROR_CODES.USAGE.exit;
  }
  let name = argv[at];
  let rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === 'help') {
    const target = argv[at + 1];
    if (!target) {
      process.stdout.write(fullHelp());
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
  // The command whose parse failed, for the usage line of the error.
  let failed: Command = cmd;
  const onParseError = (at: Command, err: CommanderError) => {
    failed = at;
    throw err;
  };
  attachActions(cmd, entry, onParseError, async (leaf) => {
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
    } else {
      const lines = [...(result.text === undefined || result.text === '' ? [] : [result.text].flat()), ...(quiet ? [] : result.summary ?? [])];
      const text = lines.join('\n');
      if (text.length) process.stdout.write(redactSecrets(text) + (text.endsWith('\n') ? '' : '\n'));
    }
  });
  try {
    await program.parseAsync(['node', 'cairn', entry.name, ...rest]);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // A command of sub-commands typed alone (`cairn remote`): commander printed its help on stderr; that is a usage error.
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : ERROR_CODES.USAGE.exit;
      throw usageError(err, failed);
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
function attachActions(
  cmd: Command,
  entry: CommandEntry,
  onParseError: (at: Command, err: CommanderError) => never,
  action: (leaf: Command) => Promise<void>,
): void {
  cmd.exitOverride((err) => onParseError(cmd, err));
  if (cmd.commands.length === 0) {
    cmd.action(async (...args: unknown[]) => action(args[args.length - 1] as Command));
  } else {
    for (const sub of cmd.commands) attachActions(sub, entry, onParseError, action);
  }
  // A sub-command shows the examples that use it (`cairn remote add ...`), a command all of its own.
  const where = commandPath(cmd);
  const own = entry.examples.filter((e) => e === where || e.startsWith(`${where} `));
  const examples = (own.length ? own : entry.examples).map((e) => `  ${e}`).join('\n');
  cmd.addHelpText('after', `\nExamples:\n${examples}\n\nGlobal options: -q (only errors and data), -v (more detail), --no-color; see \`cairn --help\`.\n`);
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
    for (const line of error.hint?.split('\n') ?? []) process.stderr.write(`${options.colors.dim('hint:')} ${line}\n`);
  }
  if (options.verbose && !isCairnError(err) && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return error.exitCode;
}
