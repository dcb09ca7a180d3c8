import { requireModel } from '../../../registry/git/readRegistry.js';
import type { RegistryEvent } from '../../../registry/git/registryState.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { fitTable } from '../../output/fitTable.js';
import { registryRoot } from './modelOptions.js';

const WHAT: Record<RegistryEvent['action'], (e: RegistryEvent) => string> = {
  register: (e) => `registered ${e.version}`,
  deregister: (e) => `deprecated ${e.version}`,
  assign: (e) => `promoted to ${e.alias}`,
  unassign: (e) => `demoted from ${e.alias}`,
  deprecate: () => 'deprecated the model',
  create: () => 'created',
};

export async function modelHistory(ctx: CliContext, name: string): Promise<CommandResult> {
  const root = await registryRoot(ctx);
  const m = await requireModel(root, name);
  // An alias event names a commit; show the version registered there.
  const versionAt = new Map(m.versions.map((v) => [v.commit, v.version]));
  const events = [...m.events].reverse().map((e) => ({ ...e, version: e.version ?? versionAt.get(e.commit), created: new Date(e.time).toISOString() }));
  const rows = events.map((e) => [e.created.replace('T', ' ').slice(0, 19), e.author, WHAT[e.action](e), e.version ?? e.commit.slice(0, 12), e.tag]);
  return { data: { name: m.name, events }, text: fitTable(['when', 'who', 'what', 'version', 'tag'], rows, { keep: [0, 2, 3, 4] }) };
}
