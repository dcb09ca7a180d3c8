import type { Command } from 'commander';
import type { RunContext } from '../core/context.js';

/** What a command hands back to the CLI: data for `--json`, and lines for people. The CLI does all printing. */
export interface CommandResult {
  data: unknown;
  /** Human-readable output of what was asked for (a listing, a table, a value); defaults to nothing. Kept under -q. */
  text?: string | string[];
  /**
   * Lines that report what the command did or suggest what to do next ("added data/ (3 files)", "ran: train",
   * "To record this with git, run: ..."). Printed after `text`; -q drops them, so -q prints only errors and data.
   */
  summary?: string[];
  /** Non-zero to signal a finding that is not an error (e.g. `status` with changes, `fsck` with corruption). */
  exitCode?: number;
}

export interface CliContext extends RunContext {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
  /** Whether stderr is an interactive terminal (progress bars only then). */
  tty: boolean;
  /** Informational messages for people, on stderr (never in --json stdout). Suppressed by -q. */
  info(message: string): void;
  warn(message: string): void;
}

/** One command module: `configure` declares arguments and options on the commander Command, `run` does the work. */
export interface CommandModule {
  configure(cmd: Command): void;
  /** Receives the positional arguments and options commander parsed. Sub-command modules may dispatch inside. */
  run(ctx: CliContext, args: string[], options: Record<string, unknown>, cmd: Command): Promise<CommandResult>;
}

export interface CommandEntry {
  name: string;
  summary: string;
  /** Example invocations shown by `cairn help <name>`; at least one per command. */
  examples: string[];
  /** Loaded only when this command runs, so `cairn --version` and `--help` stay fast. */
  load: () => Promise<CommandModule>;
}
