import type { CliContext, CommandResult } from '../../commandSpec.js';

export async function modelGet(_ctx: CliContext, _ref: string, _opts: Record<string, unknown>): Promise<CommandResult> {
  throw new Error('not yet');
}
