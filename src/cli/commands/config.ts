import type { Command } from 'commander';
import {
  assertKnownKey, coerceValue, configPaths, getKey, loadConfig, readConfigFile, setKey, validateConfig,
  writeConfigFile, type ConfigLevel, type RawConfig,
} from '../../core/config.js';
import { CairnError } from '../../core/errors.js';
import { CAIRN_DIR, findRepoRoot } from '../../core/repo.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import path from 'node:path';

export function configure(cmd: Command): void {
  cmd
    .argument('[key]', 'a dotted key such as cache.link or remote.origin.url')
    .argument('[value]', 'the new value; omit it to read the key')
    .option('--local', 'use .cairn/config.local.toml (not committed; for secrets)')
    .option('--global', 'use the user file ~/.config/cairn/config.toml')
    .option('--repo', 'use .cairn/config.toml (the default for writes)')
    .option('--unset', 'remove the key')
    .option('-l, --list', 'list every setting in effect')
    .option('--json', 'print the result as JSON');
}

function flatten(obj: RawConfig, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as RawConfig, key));
    else out[key] = v;
  }
  return out;
}

const show = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const root = findRepoRoot(ctx.cwd);
  const cairnDir = root ? path.join(root, CAIRN_DIR) : null;
  const levels = (['local', 'global', 'repo'] as const).filter((l) => opts[l]);
  if (levels.length > 1) throw new CairnError('USAGE', 'choose at most one of --local, --global and --repo');
  const level: ConfigLevel = levels[0] === 'global' ? 'user' : levels[0] === 'local' ? 'local' : 'repo';
  const paths = configPaths(cairnDir, ctx.env);
  const [key, value] = args;

  if (opts.list || !key) {
    if (!opts.list) throw new CairnError('USAGE', 'config needs a KEY (or --list)', { hint: 'e.g. `cairn config cache.link`' });
    const raw = levels.length ? await readConfigFile(requirePath(paths[level], level)) : (await loadConfig({ cairnDir, env: ctx.env })).raw;
    const flat = flatten(raw);
    return { data: flat, text: Object.entries(flat).map(([k, v]) => `${k}=${show(v)}`) };
  }
  assertKnownKey(key);

  if (value === undefined && !opts.unset) {
    const raw = levels.length ? await readConfigFile(requirePath(paths[level], level)) : (await loadConfig({ cairnDir, env: ctx.env })).raw;
    const current = getKey(raw, key);
    if (current === undefined) {
      throw new CairnError('NOT_FOUND', `config key "${key}" is not set`, { hint: `set it with \`cairn config ${key} VALUE\`` });
    }
    return { data: { key, value: current }, text: show(current) };
  }

  const file = requirePath(paths[level], level);
  const before = await readConfigFile(file);
  if (opts.unset && getKey(before, key) === undefined) {
    throw new CairnError('NOT_FOUND', `config key "${key}" is not set in ${file}`);
  }
  const after = setKey(before, key, opts.unset ? undefined : coerceValue(key, value));
  validateConfig(after, file);
  await writeConfigFile(file, after);
  return { data: { key, value: opts.unset ? null : getKey(after, key), file } };
}

function requirePath(file: string | null, level: ConfigLevel): string {
  if (!file) {
    throw new CairnError('NOT_FOUND', `there is no ${level} config outside a cairn repository`, {
      hint: 'run `cairn init` first, or use --global',
    });
  }
  return file;
}
