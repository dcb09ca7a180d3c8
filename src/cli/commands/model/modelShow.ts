import { readRegistry, requireModel } from '../../../registry/git/readRegistry.js';
import type { ModelState } from '../../../registry/git/registryState.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { fitTable } from '../../output/fitTable.js';
import { registryRoot } from './modelOptions.js';

const day = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

/** A model as `--json` gives it: versions (with metadata), aliases as alias → version. */
export function modelJson(m: ModelState) {
  return {
    name: m.name,
    latest: m.latest,
    deprecated: m.deprecated,
    aliases: Object.fromEntries(m.aliases.map((a) => [a.alias, a.version])),
    versions: m.versions.map((v) => ({
      version: v.version,
      tag: v.tag,
      commit: v.commit,
      created: new Date(v.time).toISOString(),
      author: v.author,
      author_email: v.authorEmail,
      deprecated: v.deprecated,
      aliases: v.aliases,
      metadata: v.metadata,
    })),
  };
}

export async function modelShow(ctx: CliContext, name: string | undefined): Promise<CommandResult> {
  const root = await registryRoot(ctx);
  if (name) {
    const m = await requireModel(root, name);
    const rows = [...m.versions].reverse().map((v) => [v.version, v.commit.slice(0, 12), day(v.time), v.author, v.aliases.join(',') || '-', v.deprecated ? 'deprecated' : '', v.metadata?.path ?? '']);
    const text = [
      `${m.name}${m.deprecated ? ' (deprecated)' : ''}: latest ${m.latest ?? '-'}${m.aliases.length ? `; ${m.aliases.map((a) => `${a.alias} → ${a.version}`).join(', ')}` : ''}`,
      '',
      ...fitTable(['version', 'commit', 'created', 'author', 'aliases', 'state', 'path'], rows, { keep: [0, 1] }),
    ];
    return { data: modelJson(m), text };
  }
  const models = [...(await readRegistry(root)).values()];
  if (models.length === 0) return { data: { models: [] }, text: ['no models registered yet: `cairn model register NAME --path PATH`'] };
  const rows = models.map((m) => [m.name, m.latest ?? '-', m.aliases.map((a) => `${a.alias}=${a.version}`).join(' ') || '-', String(m.versions.length), m.deprecated ? 'deprecated' : '']);
  return { data: { models: models.map(modelJson) }, text: fitTable(['model', 'latest', 'aliases', 'versions', 'state'], rows, { keep: [1] }) };
}
