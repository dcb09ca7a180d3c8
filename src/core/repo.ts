import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type CairnConfig, type LoadedConfig, type RawConfig } from './config.js';
import { CairnError } from './errors.js';

export const CAIRN_DIR = '.cairn';

/** An opened cairn repository: where it is, its configuration, and where its cache lives. */
export interface Repo {
  /** Absolute path of the folder that holds `.cairn/` (the Git working tree root when there is Git). */
  root: string;
  cairnDir: string;
  /** Absolute path of the object cache (the `cache.dir` setting, resolved against `.cairn/`). */
  cacheDir: string;
  /** Scratch space for temp files, locks and the state index; never committed. */
  tmpDir: string;
  /** Whether the repo lives in a Git working tree (false after `cairn init --no-git`). */
  git: boolean;
  config: CairnConfig;
  loaded: LoadedConfig;
}

/** Walks up from `start` to the nearest folder containing `.cairn/`. */
export function findRepoRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CAIRN_DIR);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function findGitRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function resolveCacheDir(root: string, config: CairnConfig): string {
  const cairnDir = path.join(root, CAIRN_DIR);
  const dir = config.cache.dir;
  if (!dir) return path.join(cairnDir, 'cache');
  // Relative cache paths are relative to .cairn/, as in the committed config file, so every clone agrees.
  return path.resolve(cairnDir, dir);
}

export async function openRepo(options: {
  cwd: string;
  env: Record<string, string | undefined>;
  overrides?: RawConfig;
}): Promise<Repo> {
  const root = findRepoRoot(options.cwd);
  if (!root) {
    throw new CairnError('NOT_FOUND', `not a cairn repository (or any parent up to /): ${options.cwd}`, {
      hint: 'run `cairn init` in your Git repository first',
    });
  }
  const cairnDir = path.join(root, CAIRN_DIR);
  const loaded = await loadConfig({ cairnDir, env: options.env, overrides: options.overrides });
  return {
    root,
    cairnDir,
    cacheDir: resolveCacheDir(root, loaded.config),
    tmpDir: path.join(cairnDir, 'tmp'),
    git: findGitRoot(root) !== null,
    config: loaded.config,
    loaded,
  };
}
