import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { editTomlText } from './editTomlText.js';
import { z } from 'zod';
import { writeFileAtomic } from './atomicWrite.js';
import { CairnError } from './errors.js';
import { didYouMean } from './didYouMean.js';

export const LINK_TYPES = ['reflink', 'copy', 'hardlink', 'symlink'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

const remoteSection = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** The schema of every known key. `remote.<name>.*` sections are free-form here and checked by the remote layer. */
export const configSchema = z
  .object({
    core: z
      .object({
        autostage: z.boolean().default(false),
        remote: z.string().optional(),
        check_update: z.boolean().optional(),
      })
      .strict()
      .default({}),
    cache: z
      .object({
        dir: z.string().optional(),
        link: z.array(z.enum(LINK_TYPES)).min(1).default(['reflink', 'copy']),
        shared: z.enum(['group']).optional(),
        /** Files larger than this many bytes are stored as content-defined chunks (docs/formats.md); 0 turns it off. */
        chunk_threshold: z.number().int().nonnegative().default(8 << 20),
        /** The layout a new cache is created with (2: small objects in packs); an existing cache keeps its own. */
        layout: z.union([z.literal(1), z.literal(2)]).optional(),
      })
      .strict()
      .default({}),
    remote: z.record(z.string(), remoteSection).default({}),
    pipeline: z
      .object({
        jobs: z.number().int().positive().optional(),
        run_cache: z.boolean().default(true),
        /** What runs the stages: this machine's process pool, or a Slurm cluster (docs/cluster.md). */
        executor: z.enum(['local', 'slurm']).default('local'),
      })
      .strict()
      .default({}),
    tracking: z
      .object({
        uri: z.string().optional(),
        /** false: `cairn repro` and `cairn exp run` record no runs. */
        record: z.boolean().default(true),
        /** The tracking experiment runs of repro and exp run go to. */
        experiment: z.string().min(1).default('Default'),
      })
      .strict()
      .default({}),
  })
  .strict();

export type CairnConfig = z.infer<typeof configSchema>;
export type ConfigLevel = 'user' | 'repo' | 'local';

/** Environment variables that set a config key; flags beat these, and these beat every file. */
export const ENV_KEYS: Record<string, string> = {
  CAIRN_CACHE_DIR: 'cache.dir',
  CAIRN_CACHE_LINK: 'cache.link',
  CAIRN_CACHE_LAYOUT: 'cache.layout',
  CAIRN_CORE_AUTOSTAGE: 'core.autostage',
  CAIRN_CORE_REMOTE: 'core.remote',
  CAIRN_PIPELINE_JOBS: 'pipeline.jobs',
  CAIRN_PIPELINE_EXECUTOR: 'pipeline.executor',
  CAIRN_TRACKING_URI: 'tracking.uri',
  CAIRN_TRACKING_RECORD: 'tracking.record',
  CAIRN_TRACKING_EXPERIMENT: 'tracking.experiment',
};

export function configPaths(
  repoCairnDir: string | null,
  env: Record<string, string | undefined>,
): Record<ConfigLevel, string | null> {
  const xdg = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return {
    user: env.CAIRN_USER_CONFIG || path.join(xdg, 'cairn', 'config.toml'),
    repo: repoCairnDir ? path.join(repoCairnDir, 'config.toml') : null,
    local: repoCairnDir ? path.join(repoCairnDir, 'config.local.toml') : null,
  };
}

export type RawConfig = Record<string, unknown>;

/** A config file's text; a missing file reads as empty. */
async function readConfigText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new CairnError('PERMISSION', `could not read config file ${file}: ${(err as Error).message}`);
  }
}

function parseConfigText(text: string, file: string): RawConfig {
  try {
    return parseToml(text) as RawConfig;
  } catch (err) {
    throw new CairnError('INVALID', `config file ${file} is not valid TOML: ${(err as Error).message}`, {
      hint: 'fix the file by hand or remove the bad line; `cairn config --list` shows what is read',
    });
  }
}

export async function readConfigFile(file: string): Promise<RawConfig> {
  return parseConfigText(await readConfigText(file), file);
}

/**
 * Writes `config` to a config file by editing the file's text where keys differ, so the comments, blank lines and
 * key order people put there stay; TOML it cannot edit in place is refused (INVALID) with the file untouched.
 */
export async function writeConfigFile(file: string, config: RawConfig): Promise<void> {
  const text = await readConfigText(file);
  const edited = editTomlText(text, parseConfigText(text, file), config, file);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, edited);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges config layers; later layers win key by key. */
export function mergeConfig(...layers: RawConfig[]): RawConfig {
  const out: RawConfig = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const prev = out[key];
      out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeConfig(prev, value) : value;
    }
  }
  return out;
}

export function getKey(config: RawConfig, dotted: string): unknown {
  let cur: unknown = config;
  for (const part of dotted.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function setKey(config: RawConfig, dotted: string, value: unknown): RawConfig {
  const parts = dotted.split('.');
  const out = structuredClone(config);
  let cur: Record<string, unknown> = out;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return out;
}

/** Parses a value typed on the command line or in the environment into what the schema expects for that key. */
export function coerceValue(dotted: string, raw: string): unknown {
  if (dotted === 'cache.link') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^-?\d+$/.test(raw) && !dotted.startsWith('remote.')) return Number(raw);
  return raw;
}

const KNOWN_KEYS = [
  'core.autostage', 'core.remote', 'core.check_update', 'cache.dir', 'cache.link', 'cache.shared', 'cache.chunk_threshold', 'cache.layout',
  'pipeline.jobs', 'pipeline.run_cache', 'pipeline.executor', 'tracking.uri', 'tracking.record', 'tracking.experiment',
];

/** Checks that a dotted key names a real setting, suggesting the closest one when it does not. */
export function assertKnownKey(dotted: string): void {
  if (/^remote\.[^.]+\.[^.]+$/.test(dotted)) return;
  if (KNOWN_KEYS.includes(dotted)) return;
  const guess = didYouMean(dotted, KNOWN_KEYS);
  throw new CairnError('USAGE', `unknown config key "${dotted}"`, {
    hint: guess ? `did you mean "${guess}"?` : `known keys: ${KNOWN_KEYS.join(', ')}, remote.<name>.<option>`,
  });
}

/** Validates merged config and returns it with defaults filled in; names the file layers when it is wrong. */
export function validateConfig(raw: RawConfig, source: string): CairnConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.join('.');
  let hint = 'fix it with `cairn config KEY VALUE` or by editing the file';
  if (issue.code === 'unrecognized_keys') {
    const prefix = where ? `${where}.` : '';
    const guess = didYouMean(prefix + issue.keys[0], KNOWN_KEYS);
    if (guess) hint = `did you mean "${guess}"?`;
    return invalid(`unknown config key "${prefix}${issue.keys[0]}" in ${source}`, hint);
  }
  return invalid(`bad config value for "${where}" in ${source}: ${issue.message}`, hint);
}

function invalid(message: string, hint: string): never {
  throw new CairnError('INVALID', message, { hint });
}

export interface LoadedConfig {
  config: CairnConfig;
  raw: RawConfig;
  paths: Record<ConfigLevel, string | null>;
}

/** Loads user, repo and local files, then the environment, then flag overrides, in that order of precedence. */
export async function loadConfig(options: {
  cairnDir: string | null;
  env: Record<string, string | undefined>;
  overrides?: RawConfig;
}): Promise<LoadedConfig> {
  const paths = configPaths(options.cairnDir, options.env);
  const layers: RawConfig[] = [];
  for (const level of ['user', 'repo', 'local'] as const) {
    const file = paths[level];
    if (file) layers.push(await readConfigFile(file));
  }
  let fromEnv: RawConfig = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = options.env[name];
    if (value !== undefined && value !== '') fromEnv = setKey(fromEnv, key, coerceValue(key, value));
  }
  const raw = mergeConfig(...layers, fromEnv, options.overrides ?? {});
  const source = Object.values(paths).filter(Boolean).join(', ') + ' or CAIRN_* environment';
  return { config: validateConfig(raw, source), raw, paths };
}
