import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { getKey, mergeConfig, readConfigFile, type RawConfig } from '../core/config.js';
import { CairnError, redactSecrets } from '../core/errors.js';
import { CAIRN_DIR } from '../core/repo.js';
import { catFileBatch, cloneBare, git, lsTree, showFileBuffer } from '../git/git.js';
import { isSafeRelPath } from '../data/tree.js';
import { outputAsTracked, parseLockOutputs, type LockOutput } from '../data/lockOutputs.js';
import { dataPathFor, parsePointer, POINTER_SUFFIX, type Pointer } from '../data/pointer.js';
import { remoteScheme, type RemoteSpec } from './remoteConfig.js';

/** The pipeline lock file at a repository's root (its format is in docs/formats.md). */
const LOCK_FILE = 'cairn.lock';

/** Another repository opened for reading at one commit: a throw-away bare clone plus what its config says. */
export interface SourceRepo {
  /** The URL or path as the user gave it. */
  url: string;
  /** Absolute working-tree path when the source is a local folder (its cache and local config are usable then). */
  localRoot: string | null;
  gitDir: string;
  rev: string | undefined;
  commit: string;
  /** The committed `.cairn/config.toml` at the commit, merged with the local folder's config.local.toml. */
  config: RawConfig;
  cleanup(): Promise<void>;
}

/** What a path names in the source: data behind a pointer or a pipeline output (maybe a part of a folder), or files Git stores itself. */
export type SourceTarget =
  | { kind: 'pointer'; dataPath: string; pointer: Pointer; sub: string }
  | { kind: 'git'; files: { path: string; blob: string; exec: boolean }[]; isDir: boolean };

/** A Git URL (scp-like `user@host:path` included) rather than a folder path. Pure. */
export function isRemoteGitUrl(url: string): boolean {
  // As git reads it: scheme://..., user@host:path, or host:path (a one-letter "host" is a Windows drive).
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/\\:]+@[^/\\:]+:/.test(url) || /^[^/\\:@]{2,}:/.test(url);
}

/** Checks and normalizes a repo-relative path given on the command line (`./a/b/` → `a/b`). Pure. */
export function normalizeSourcePath(p: string): string {
  const norm = p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (!isSafeRelPath(norm)) {
    throw new CairnError('USAGE', `"${p}" is not a path inside the source repository`, {
      hint: 'give the path relative to the root of the source repository, without ".." (e.g. data/images)',
    });
  }
  return norm;
}

/** Clones `url` (bare, into a temp folder under `tmpRoot`) and resolves `rev` (default: its HEAD) to a commit. */
export async function openSourceRepo(options: { url: string; rev?: string; tmpRoot: string; cwd: string }): Promise<SourceRepo> {
  const { url, rev } = options;
  let localRoot: string | null = null;
  let cloneFrom = url;
  if (!isRemoteGitUrl(url)) {
    const abs = path.resolve(options.cwd, url);
    if (!existsSync(abs)) {
      throw new CairnError('NOT_FOUND', `source repository ${url} does not exist (${abs})`, { hint: 'give a Git URL or the path of a local repository' });
    }
    localRoot = abs;
    cloneFrom = abs;
  }
  await fs.mkdir(options.tmpRoot, { recursive: true });
  const dir = await fs.mkdtemp(path.join(options.tmpRoot, 'source-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const gitDir = path.join(dir, 'repo.git');
    await cloneBare(cloneFrom, gitDir, { partial: localRoot === null, cwd: dir });
    const wanted = rev ?? 'HEAD';
    const r = await git(gitDir, ['rev-parse', '--verify', '--quiet', `${wanted}^{commit}`], { allowFail: true });
    if (r.code !== 0) {
      throw new CairnError('NOT_FOUND', `unknown revision "${wanted}" in ${redactSecrets(url)}`, {
        hint: rev ? 'use a branch, tag or commit id that exists in the source repository' : 'the source repository has no commits yet',
      });
    }
    const commit = r.stdout.trim();
    if (localRoot) {
      // The working tree of a local source may be a subfolder path; use its top level for config and cache.
      const top = await git(localRoot, ['rev-parse', '--show-toplevel'], { allowFail: true });
      if (top.code === 0 && top.stdout.trim()) localRoot = top.stdout.trim();
    }
    const config = await sourceConfig(gitDir, commit, localRoot);
    return { url, localRoot, gitDir, rev, commit, config, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function sourceConfig(gitDir: string, commit: string, localRoot: string | null): Promise<RawConfig> {
  const committed = await showFileBuffer(gitDir, commit, `${CAIRN_DIR}/config.toml`);
  let config: RawConfig = {};
  if (committed) {
    try {
      config = parseToml(committed.toString('utf8')) as RawConfig;
    } catch (err) {
      throw new CairnError('INVALID', `the source repository's ${CAIRN_DIR}/config.toml at ${commit.slice(0, 12)} is not valid TOML: ${(err as Error).message}`);
    }
  }
  // A local source's secrets (and remotes kept local) live in its ignored config.local.toml.
  if (localRoot) config = mergeConfig(config, await readConfigFile(path.join(localRoot, CAIRN_DIR, 'config.local.toml')));
  return config;
}

/** The source's default remote (core.remote, else its only remote), with relative folder paths made absolute. */
export function sourceRemoteSpec(source: SourceRepo): RemoteSpec | null {
  const section = (getKey(source.config, 'remote') ?? {}) as Record<string, Record<string, string | number | boolean>>;
  const names = Object.keys(section).filter((n) => typeof section[n]?.url === 'string');
  const chosen = (getKey(source.config, 'core.remote') as string | undefined) ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen || !section[chosen]?.url) return null;
  const { url, ...options } = section[chosen];
  let resolved = url as string;
  if (remoteScheme(resolved) === 'file' && !/^file:\/\//i.test(resolved) && !path.isAbsolute(resolved)) {
    if (!source.localRoot) {
      throw new CairnError('USAGE', `the default remote "${chosen}" of ${redactSecrets(source.url)} is the relative folder "${resolved}", which only means something next to that repository`, {
        hint: 'use a local path to the source repository, or give the source repository a remote with an absolute path or URL',
      });
    }
    resolved = path.resolve(source.localRoot, resolved);
  }
  return { name: chosen, url: resolved, options };
}

/** The cache folder of a local source (its objects are a valid source of data, no remote needed). */
export function sourceCacheDir(source: SourceRepo): string | null {
  if (!source.localRoot) return null;
  const dir = getKey(source.config, 'cache.dir');
  const cairnDir = path.join(source.localRoot, CAIRN_DIR);
  const cache = typeof dir === 'string' && dir ? path.resolve(cairnDir, dir) : path.join(cairnDir, 'cache');
  return existsSync(cache) ? cache : null;
}

/** Finds what `rel` names at the source commit: a pointer, a part of a tracked folder, or Git-tracked files. */
export async function findSourceTarget(source: SourceRepo, rel: string): Promise<SourceTarget> {
  const where = `${redactSecrets(source.url)} at ${source.rev ?? 'HEAD'} (${source.commit.slice(0, 12)})`;
  const entries = await lsTree(source.gitDir, source.commit);
  const pointerFiles = entries.filter((e) => e.type === 'blob' && e.path.endsWith(POINTER_SUFFIX) && !e.path.startsWith(`${CAIRN_DIR}/`));
  // The pointer for the path itself, else the tracked folder that contains it.
  const owner = pointerFiles
    .map((e) => ({ entry: e, data: dataPathFor(e.path) }))
    .filter(({ data }) => rel === data || rel.startsWith(`${data}/`))
    .sort((a, b) => b.data.length - a.data.length)[0];
  if (owner) {
    const blobs = await catFileBatch(source.gitDir, [owner.entry.object]);
    let pointer: Pointer;
    try {
      // Parsed under its own path: the pointer's path field is checked against the file name.
      pointer = parsePointer(blobs.get(owner.entry.object)?.toString('utf8') ?? '', owner.entry.path);
    } catch (err) {
      if (!(err instanceof CairnError)) throw err;
      throw new CairnError(err.code, `${err.message} (in ${where})`, { hint: 'the source repository has a broken pointer at that revision; try another --rev' });
    }
    const sub = rel === owner.data ? '' : rel.slice(owner.data.length + 1);
    if (sub && pointer.kind === 'file') {
      throw new CairnError('NOT_FOUND', `${rel} is not tracked in ${where}: ${owner.data} is a single tracked file`, { hint: `ask for ${owner.data}` });
    }
    return { kind: 'pointer', dataPath: owner.data, pointer, sub };
  }
  const out = await lockOutput(source, entries, rel);
  if (out) return out;
  const files = entries
    .filter((e) => e.type === 'blob' && (e.path === rel || e.path.startsWith(`${rel}/`)) && e.mode !== '120000')
    .map((e) => ({ path: e.path === rel ? '' : e.path.slice(rel.length + 1), blob: e.object, exec: e.mode === '100755' }));
  if (files.length === 0) {
    const tracked = pointerFiles.map((e) => dataPathFor(e.path));
    throw new CairnError('NOT_FOUND', `${rel} is not tracked in ${where}`, {
      hint: tracked.length ? `paths cairn tracks there: ${tracked.slice(0, 10).join(', ')}${tracked.length > 10 ? ', ...' : ''}` : 'check the path and the revision',
    });
  }
  return { kind: 'git', files, isDir: !(files.length === 1 && files[0].path === '') };
}

/**
 * A pipeline output recorded in one of the source's `cairn.lock` files (the root one, or one beside a nested
 * cairn.yaml) that holds `rel` (outputs are not pointer files), read by the data layer's lock-output parser; an
 * unreadable lock is simply not a match.
 */
async function lockOutput(source: SourceRepo, entries: { path: string; object: string }[], rel: string): Promise<SourceTarget | null> {
  const locks = entries.filter((e) => path.posix.basename(e.path) === LOCK_FILE && !e.path.startsWith(`${CAIRN_DIR}/`));
  if (locks.length === 0) return null;
  const texts = await catFileBatch(source.gitDir, locks.map((l) => l.object));
  for (const lock of locks) {
    let outputs: LockOutput[];
    try {
      outputs = parseLockOutputs(texts.get(lock.object)?.toString('utf8') ?? '', lock.path, lock.path).outputs;
    } catch {
      continue;
    }
    for (const out of outputs) {
      if (!out.cache || (rel !== out.path && !rel.startsWith(`${out.path}/`))) continue;
      const sub = rel === out.path ? '' : rel.slice(out.path.length + 1);
      if (sub && out.kind !== 'dir') continue;
      return { kind: 'pointer', dataPath: out.path, pointer: outputAsTracked(out).pointer, sub };
    }
  }
  return null;
}
