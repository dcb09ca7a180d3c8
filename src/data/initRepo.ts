import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { CairnError } from '../core/errors.js';
import { CAIRN_DIR, findGitRoot } from '../core/repo.js';

export interface InitOptions {
  cwd: string;
  noGit?: boolean;
  force?: boolean;
}

export interface InitResult {
  root: string;
  git: boolean;
  created: string[];
}

const CONFIG_TEMPLATE = `# cairn repository settings (committed). Secrets belong in config.local.toml, which Git ignores.
# See docs/commands/config.md, or run: cairn config --list
`;

const INNER_GITIGNORE = `# cairn: local-only files
/cache
/tmp
/config.local.toml
/tracking.db
/tracking.db-*
/tracking/
`;

const CAIRNIGNORE_TEMPLATE = `# Files inside tracked directories that cairn should not version (gitignore syntax).
`;

/** Creates `.cairn/` with its config and ignore files in a Git working tree root (or a plain folder with noGit). */
export async function initRepo(options: InitOptions): Promise<InitResult> {
  const gitRoot = findGitRoot(options.cwd);
  if (!gitRoot && !options.noGit) {
    throw new CairnError('USAGE', `${options.cwd} is not inside a Git repository`, {
      hint: 'run `git init` first, or `cairn init --no-git` to use cairn without Git',
    });
  }
  const root = options.noGit ? path.resolve(options.cwd) : gitRoot!;
  if (!options.noGit && path.resolve(options.cwd) !== root) {
    throw new CairnError('USAGE', `cairn init must run at the top of the Git working tree (${root})`, {
      hint: `cd ${root} and run it there`,
    });
  }
  const cairnDir = path.join(root, CAIRN_DIR);
  if (existsSync(cairnDir) && !options.force) {
    throw new CairnError('CONFLICT', `${root} is already a cairn repository (${CAIRN_DIR}/ exists)`, {
      hint: 'use `cairn init --force` to write the default files again (the cache is kept)',
    });
  }
  await fs.mkdir(path.join(cairnDir, 'tmp'), { recursive: true });
  const created: string[] = [];
  const write = async (rel: string, content: string, keep: boolean) => {
    const file = path.join(root, rel);
    if (keep && existsSync(file)) return;
    await writeFileAtomic(file, content);
    created.push(rel);
  };
  await write(`${CAIRN_DIR}/config.toml`, CONFIG_TEMPLATE, true);
  await write(`${CAIRN_DIR}/.gitignore`, INNER_GITIGNORE, false);
  await write('.cairnignore', CAIRNIGNORE_TEMPLATE, true);
  return { root, git: !options.noGit, created };
}
