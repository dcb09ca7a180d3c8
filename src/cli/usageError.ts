import type { Command, CommanderError } from 'commander';
import { CairnError } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';

/** `cairn remote add`: the words a user types to reach this command. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The usage line and where the full help is, as the last line of every usage hint. */
export function usageLine(cmd: Command): string {
  const where = commandPath(cmd);
  return `usage: ${where} ${cmd.usage()} (see \`cairn help ${where.replace(/^cairn /, '')}\`)`;
}

/**
 * Turns commander's parse error (unknown option or sub-command, missing or excess argument...) into cairn's USAGE
 * error: the message without commander's `error: ` prefix, commander's "(Did you mean ...?)" in the hint, and the
 * usage line. Printed once by the CLI's error handler, so it looks like every other cairn error (and is JSON under --json).
 */
export function usageError(err: CommanderError, cmd: Command): CairnError {
  const where = commandPath(cmd);
  if (err.code === 'commander.unknownCommand') {
    const word = cmd.args[0] ?? '';
    const subs = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
    const guess = didYouMean(word, subs);
    return new CairnError('USAGE', `unknown command "${where} ${word}"`, {
      hint: `${guess ? `did you mean \`${where} ${guess}\`? ` : ''}\`${where}\` takes one of: ${subs.join(', ')}\n${usageLine(cmd)}`,
    });
  }
  if (err.code === 'commander.excessArguments') {
    const expected = cmd.registeredArguments.length;
    const extra = cmd.args.slice(expected).map((a) => JSON.stringify(a)).join(' ');
    const takes = expected === 0 ? 'takes no arguments' : `takes at most ${expected} argument${expected === 1 ? '' : 's'}`;
    return new CairnError('USAGE', `too many arguments: \`${where}\` ${takes}, and ${extra} ${cmd.args.length - expected === 1 ? 'is' : 'are'} left over`, {
      hint: usageLine(cmd),
    });
  }
  const [first, ...rest] = err.message.replace(/^error: /, '').split('\n');
  const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/)?.[1];
  return new CairnError('USAGE', first, { hint: suggestion ? `did you mean \`${suggestion}\`?\n${usageLine(cmd)}` : usageLine(cmd) });
}
