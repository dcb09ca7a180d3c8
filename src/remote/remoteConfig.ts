import path from 'node:path';
import { configPaths, getKey, readConfigFile, setKey, validateConfig, writeConfigFile, type RawConfig } from '../core/config.js';
import { didYouMean } from '../core/didYouMean.js';
import { CairnError, redactSecrets } from '../core/errors.js';
import type { Repo } from '../core/repo.js';

/** The `remote.<name>.*` settings of one remote, merged over every config level. */
export interface RemoteSpec {
  name: string;
  url: string;
  /** Every option except `url`, as strings/numbers/booleans from the config files. */
  options: Record<string, string | number | boolean>;
}

/** Options that hold secrets: always written to `.cairn/config.local.toml` and shown as `***`. */
export const SECRET_OPTIONS = new Set(['secret_access_key', 'session_token', 'password', 'access_key_id', 'key_passphrase', 'token']);

/** Options every remote understands. */
export const COMMON_OPTIONS = ['url', 'jobs', 'read_only', 'retries'];

/**
 * Options each URL scheme understands, beside the common ones. Backends in other files add their scheme here
 * (an additive edit), so `remote add/modify` can check option names and suggest the closest one.
 */
export const SCHEME_OPTIONS: Record<string, string[]> = {
  file: [],
  s3: ['endpoint_url', 'region', 'profile', 'access_key_id', 'secret_access_key', 'session_token', 'part_size'],
  ssh: ['user', 'port', 'keyfile', 'password', 'key_passphrase', 'known_hosts'],
  webdav: ['user', 'password', 'token'],
  webdavs: ['user', 'password', 'token'],
  http: ['user', 'password', 'token'],
  https: ['user', 'password', 'token'],
};

// No dots: a name is one segment of the dotted config key remote.<name>.<option>.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The scheme of a remote URL: `file` for a directory path or file:// URL, else the URL scheme. Pure. */
export function remoteScheme(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) return 'file';
  return m[1].toLowerCase();
}

/** Checks a remote URL's form (not whether it is reachable) with a clear error naming what is wrong. Pure. */
export function validateRemoteUrl(url: string): void {
  if (!url.trim()) throw new CairnError('USAGE', 'the remote URL is empty', { hint: 'give a directory path or a URL such as s3://bucket/prefix' });
  const scheme = remoteScheme(url);
  if (!(scheme in SCHEME_OPTIONS)) {
    const guess = didYouMean(scheme, Object.keys(SCHEME_OPTIONS));
    throw new CairnError('USAGE', `unsupported remote URL scheme "${scheme}://" in ${redactSecrets(url)}`, {
      hint: `${guess ? `did you mean "${guess}://"? ` : ''}supported: a directory path, ${Object.keys(SCHEME_OPTIONS).map((s) => `${s}://`).join(', ')}`,
    });
  }
  if (scheme === 'file') {
    if (/^file:\/\//i.test(url) && !/^file:\/\/\//i.test(url) && !/^file:\/\/localhost\//i.test(url)) {
      throw new CairnError('USAGE', `file URL ${url} must name an absolute path (file:///path)`, { hint: 'or give the directory path itself' });
    }
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CairnError('USAGE', `malformed remote URL ${redactSecrets(url)}`, { hint: 'for example s3://bucket/prefix or ssh://user@host/path' });
  }
  if (!parsed.hostname) {
    throw new CairnError('USAGE', `remote URL ${redactSecrets(url)} has no ${scheme === 's3' ? 'bucket' : 'host'}`, {
      hint: scheme === 's3' ? 'write it as s3://bucket/prefix' : `write it as ${scheme}://host/path`,
    });
  }
  if (scheme === 's3' && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(parsed.hostname)) {
    throw new CairnError('USAGE', `"${parsed.hostname}" is not a valid S3 bucket name (in ${url})`, {
      hint: 'bucket names are 3-63 lowercase letters, digits, dots and hyphens',
    });
  }
}

/** The directory of a local remote: file:// URLs decoded, relative paths resolved against the repo root. Pure. */
export function localRemotePath(url: string, root: string): string {
  if (/^file:\/\//i.test(url)) return decodeURIComponent(new URL(url).pathname);
  return path.resolve(root, url);
}

export function validateRemoteName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new CairnError('USAGE', `"${name}" is not a valid remote name`, {
      hint: 'use letters, digits, "_" and "-", starting with a letter or digit (e.g. origin, storage)',
    });
  }
}

/** Checks that `option` is known for the remote's URL scheme, suggesting the closest name when it is not. Pure. */
export function validateRemoteOption(url: string, option: string): void {
  const scheme = remoteScheme(url);
  const known = [...COMMON_OPTIONS, ...(SCHEME_OPTIONS[scheme] ?? [])];
  if (known.includes(option)) return;
  // A prefix ("endpoint" for "endpoint_url") is the likeliest slip after a typo.
  const guess = didYouMean(option, known) ?? known.find((k) => k.startsWith(option) || option.startsWith(k));
  throw new CairnError('USAGE', `unknown option "${option}" for a ${scheme === 'file' ? 'local directory' : `${scheme}://`} remote`, {
    hint: guess ? `did you mean "${guess}"?` : `options: ${known.join(', ')}`,
  });
}

/** The URL for messages: passwords and secret query parameters replaced by `***`. Pure. */
export function displayRemoteUrl(url: string): string {
  return redactSecrets(url);
}

/** The options with every secret value replaced by `***`, safe for listing and --json. Pure. */
export function redactOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, SECRET_OPTIONS.has(k) ? '***' : v]));
}

function remotesOf(raw: RawConfig): Record<string, Record<string, string | number | boolean>> {
  const section = getKey(raw, 'remote');
  return section && typeof section === 'object' ? (section as Record<string, Record<string, string | number | boolean>>) : {};
}

/** Every configured remote (merged over all levels), sorted by name. */
export function listRemotes(repo: Repo): RemoteSpec[] {
  return Object.entries(remotesOf(repo.loaded.raw))
    .filter(([, section]) => typeof section?.url === 'string')
    .map(([name, section]) => {
      const { url, ...options } = section;
      return { name, url: url as string, options };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The default remote's name: `core.remote`, else the only remote if there is exactly one. */
export function defaultRemoteName(repo: Repo): string | undefined {
  if (repo.config.core.remote) return repo.config.core.remote;
  const all = listRemotes(repo);
  return all.length === 1 ? all[0].name : undefined;
}

/** The remote to use: the one named, else the default; a clear error when there is none or the name is unknown. */
export function resolveRemote(repo: Repo, name?: string): RemoteSpec {
  const all = listRemotes(repo);
  const wanted = name ?? defaultRemoteName(repo);
  if (!wanted) {
    throw new CairnError('USAGE', all.length ? 'no default remote is set and more than one remote exists' : 'no remote is configured', {
      hint: all.length
        ? `choose one with -r NAME (${all.map((r) => r.name).join(', ')}) or set a default with \`cairn remote default NAME\``
        : 'add one with `cairn remote add -d origin /path/to/storage` (or s3://bucket/prefix)',
    });
  }
  const spec = all.find((r) => r.name === wanted);
  if (!spec) {
    const guess = didYouMean(wanted, all.map((r) => r.name));
    throw new CairnError('NOT_FOUND', `remote "${wanted}" is not configured`, {
      hint: guess ? `did you mean "${guess}"?` : all.length ? `known remotes: ${all.map((r) => r.name).join(', ')}` : 'add it with `cairn remote add`',
    });
  }
  return spec;
}

/** Which file a write goes to: secrets always to the local file; the rest to repo (or local with --local). */
function levelFor(option: string, local: boolean): 'repo' | 'local' {
  return local || SECRET_OPTIONS.has(option) ? 'local' : 'repo';
}

/** Loads the repo and local files, lets `change` edit them, validates, and writes only the files that changed. */
async function editConfigFiles(repo: Repo, env: Record<string, string | undefined>, change: (files: Record<'repo' | 'local', RawConfig>) => void): Promise<void> {
  const paths = configPaths(repo.cairnDir, env);
  const files = { repo: await readConfigFile(paths.repo!), local: await readConfigFile(paths.local!) };
  const before = { repo: JSON.stringify(files.repo), local: JSON.stringify(files.local) };
  change(files);
  // Validate everything before writing anything, so a bad edit changes nothing.
  for (const level of ['repo', 'local'] as const) validateConfig(files[level], paths[level]!);
  for (const level of ['repo', 'local'] as const) {
    if (JSON.stringify(files[level]) !== before[level]) await writeConfigFile(paths[level]!, files[level]);
  }
}

export interface AddRemoteOptions {
  name: string;
  url: string;
  makeDefault?: boolean;
  force?: boolean;
  local?: boolean;
}

/** Adds (or with force replaces) a remote; a password in the URL is moved to the local file as `password`. */
export async function addRemote(repo: Repo, env: Record<string, string | undefined>, options: AddRemoteOptions): Promise<RemoteSpec> {
  validateRemoteName(options.name);
  validateRemoteUrl(options.url);
  const exists = listRemotes(repo).some((r) => r.name === options.name);
  if (exists && !options.force) {
    throw new CairnError('CONFLICT', `remote "${options.name}" already exists`, {
      hint: `use \`cairn remote add -f ${options.name} URL\` to replace it, or \`cairn remote modify ${options.name} url URL\``,
    });
  }
  const { url, password } = splitPassword(options.url);
  await editConfigFiles(repo, env, (files) => {
    if (options.force) for (const level of ['repo', 'local'] as const) files[level] = setKey(files[level], `remote.${options.name}`, undefined);
    const level = options.local ? 'local' : 'repo';
    files[level] = setKey(files[level], `remote.${options.name}.url`, url);
    if (password !== undefined) files.local = setKey(files.local, `remote.${options.name}.password`, password);
    if (options.makeDefault) files[level] = setKey(files[level], 'core.remote', options.name);
  });
  return { name: options.name, url, options: password !== undefined ? { password } : {} };
}

/** Takes `user:password@` apart so the password never reaches the committed config. Pure. */
export function splitPassword(url: string): { url: string; password?: string } {
  if (remoteScheme(url) === 'file') return { url };
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):([^@/]*)@(.*)$/i.exec(url);
  if (!m) return { url };
  return { url: `${m[1]}@${m[3]}`, password: decodeURIComponent(m[2]) };
}

export interface ModifyRemoteOptions {
  name: string;
  option: string;
  value?: string;
  unset?: boolean;
  local?: boolean;
}

/** Sets or unsets one option of an existing remote, checking the option name against the URL's scheme. */
export async function modifyRemote(repo: Repo, env: Record<string, string | undefined>, options: ModifyRemoteOptions): Promise<void> {
  const spec = resolveRemote(repo, options.name);
  const url = options.option === 'url' && !options.unset ? options.value ?? '' : spec.url;
  if (options.option === 'url') {
    if (options.unset) throw new CairnError('USAGE', 'a remote cannot be left without a url', { hint: `remove it with \`cairn remote remove ${options.name}\`` });
    validateRemoteUrl(url);
  }
  validateRemoteOption(url, options.option);
  if (!options.unset && options.value === undefined) {
    throw new CairnError('USAGE', `remote modify needs a value for "${options.option}" (or --unset)`, { hint: `e.g. \`cairn remote modify ${options.name} ${options.option} VALUE\`` });
  }
  const key = `remote.${options.name}.${options.option}`;
  await editConfigFiles(repo, env, (files) => {
    if (options.unset) {
      if (getKey(files.repo, key) === undefined && getKey(files.local, key) === undefined) {
        throw new CairnError('NOT_FOUND', `option "${options.option}" is not set for remote "${options.name}"`);
      }
      files.repo = setKey(files.repo, key, undefined);
      files.local = setKey(files.local, key, undefined);
      return;
    }
    const level = levelFor(options.option, Boolean(options.local));
    // A value moved between files (for example a secret once committed by hand) must not linger in the other one.
    const other = level === 'local' ? 'repo' : 'local';
    if (getKey(files[other], key) !== undefined) files[other] = setKey(files[other], key, undefined);
    files[level] = setKey(files[level], key, coerceOption(options.option, options.value!));
  });
}

function coerceOption(option: string, raw: string): string | number | boolean {
  if (option === 'read_only') {
    if (raw !== 'true' && raw !== 'false') throw new CairnError('USAGE', `read_only must be true or false, not "${raw}"`);
    return raw === 'true';
  }
  if (option === 'jobs' || option === 'retries' || option === 'port' || option === 'part_size') {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < (option === 'retries' ? 0 : 1)) {
      throw new CairnError('USAGE', `${option} must be a whole number${option === 'retries' ? '' : ' above 0'}, not "${raw}"`);
    }
    return n;
  }
  return raw;
}

/** Removes a remote from every repo-level file (and the default setting if it pointed at it). */
export async function removeRemote(repo: Repo, env: Record<string, string | undefined>, name: string): Promise<void> {
  resolveRemote(repo, name);
  await editConfigFiles(repo, env, (files) => {
    for (const level of ['repo', 'local'] as const) {
      files[level] = setKey(files[level], `remote.${name}`, undefined);
      if (getKey(files[level], 'core.remote') === name) files[level] = setKey(files[level], 'core.remote', undefined);
    }
  });
}

/** Renames a remote in every repo-level file, keeping each option in the file it was in. */
export async function renameRemote(repo: Repo, env: Record<string, string | undefined>, from: string, to: string): Promise<void> {
  resolveRemote(repo, from);
  validateRemoteName(to);
  if (listRemotes(repo).some((r) => r.name === to)) {
    throw new CairnError('CONFLICT', `remote "${to}" already exists`, { hint: `remove it first with \`cairn remote remove ${to}\`` });
  }
  await editConfigFiles(repo, env, (files) => {
    for (const level of ['repo', 'local'] as const) {
      const section = getKey(files[level], `remote.${from}`);
      if (section !== undefined) {
        files[level] = setKey(files[level], `remote.${from}`, undefined);
        files[level] = setKey(files[level], `remote.${to}`, section);
      }
      if (getKey(files[level], 'core.remote') === from) files[level] = setKey(files[level], 'core.remote', to);
    }
  });
}

/** Sets (or with name undefined and unset, clears) the default remote. */
export async function setDefaultRemote(repo: Repo, env: Record<string, string | undefined>, name: string | undefined, local: boolean): Promise<void> {
  if (name !== undefined) resolveRemote(repo, name);
  await editConfigFiles(repo, env, (files) => {
    if (name === undefined) {
      files.repo = setKey(files.repo, 'core.remote', undefined);
      files.local = setKey(files.local, 'core.remote', undefined);
    } else {
      files[local ? 'local' : 'repo'] = setKey(files[local ? 'local' : 'repo'], 'core.remote', name);
    }
  });
}
