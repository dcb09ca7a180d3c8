import { COMMAND_GROUPS, COMMANDS } from '../registry.js';

const USAGE = 'usage: cairn [-q | -v] [--no-color] <command> [<args>]';

const OPTIONS = `Options (before or after the command):
  -q, --quiet     print only errors, warnings and the data asked for (no summaries or hints)
  -v, --verbose   print more detail (and the stack trace of an internal error)
  --no-color      do not color output (NO_COLOR=1 too)
  -V, --version   print the version`;

const EXAMPLES = `Examples:
  cairn init                      set up cairn in a Git repository
  cairn add data/ model.bin       version a dataset and a model
  cairn help add                  show help and examples for one command`;

const EXIT_CODES = `Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid input, 4 not found, 5 conflict, 6 integrity,
7 remote, 8 auth, 9 permission, 10 no space, 11 locked, 12 stage failed, 13 changed, 130 interrupted.`;

/** `cairn --help`: every command with its summary, by area, then the global options, examples and exit codes. */
export function fullHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const groups = COMMAND_GROUPS.map((g) => [`${g.title}:`, ...g.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n'));
  return [
    USAGE, 'Version data and models beside your code, reproduce pipelines, track experiments.', ...groups, OPTIONS, EXAMPLES, EXIT_CODES,
  ].join('\n\n') + '\n';
}

/** `cairn` alone: the command names by area, and where the longer help is (as `git` alone prints its common commands). */
export function shortHelp(): string {
  const width = Math.max(...COMMAND_GROUPS.map((g) => g.title.length)) + 1;
  const groups = COMMAND_GROUPS.map((g) => `  ${`${g.title}:`.padEnd(width)}  ${g.commands.map((c) => c.name).join(' ')}`);
  return [
    USAGE,
    ['Commands:', ...groups].join('\n'),
    '`cairn --help` describes every command; `cairn help <command>` shows its options and examples.',
  ].join('\n\n') + '\n';
}
