import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.js';
import { shellQuote } from './shellQuote.js';
import { git } from './git.js';

/** Git hooks that keep data in step with Git: installed beside (never over) the hooks a repository already has. */

export const HOOK_NAMES = ['post-checkout', 'pre-commit', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** In every hook cairn writes; a hook without it is someone else's and is never removed. */
const MARKER = '# cairn-hook: installed by `cairn install`';
/** Where a hook that was there first is kept; cairn's hook runs it first, with the same arguments and input. */
export const CHAINED_SUFFIX = '.pre-cairn';

const BODIES: Record<HookName, string> = {
  // Only a branch checkout ($3 = 1) moves pointers; file checkouts do not.
  'post-checkout': `[ "$3" = 1 ] || exit 0
[ -d .cairn ] || exit 0
cairn checkout || echo "cairn: \\\`cairn checkout\\\` did not finish; run it again once the problem above is fixed" >&2
exit 0`,
  // A warning only: a commit is never blocked by data that has not been committed to the cache.
  'pre-commit': `[ -d .cairn ] || exit 0
if ! cairn status --exit-code >/dev/null 2>&1; then
  echo "cairn: tracked data or pipeline outputs changed since their pointers or cairn.lock (\\\`cairn commit\\\` or \\\`cairn repro\\\` records them):" >&2
  cairn status >&2
fi
exit 0`,
  // Without a default remote there is nowhere to push; with one, Git's push waits for the data so no commit names
  // data the remote lacks.
  'pre-push': `[ -d .cairn ] || exit 0
cairn config core.remote >/dev/null 2>&1 || exit 0
if ! cairn push; then
  echo "cairn: \\\`cairn push\\\` failed, so the git push is stopped (the commits would name data the remote lacks); fix it, or push with --no-verify" >&2
  exit 1
fi`,
};

/** The hook's text: run the chained hook first (its failure stops Git, as it did before), then cairn's part. Pure. */
export function hookScript(name: HookName, cairnCommand: string[]): string {
  const fallback = cairnCommand.map(shellQuote).join(' ');
  return `#!/bin/sh
${MARKER}; \`cairn uninstall\` removes it and puts back the hook it chained (${name}${CHAINED_SUFFIX}).
chained="$(dirname "$0")/${name}${CHAINED_SUFFIX}"
if [ -x "$chained" ]; then "$chained" "$@" || exit $?; fi
# The cairn on PATH, else the one that installed this hook.
command -v cairn >/dev/null 2>&1 || cairn() { ${fallback} "$@"; }
${BODIES[name]}
`;
}

/** The folder Git runs hooks from (core.hooksPath, or .git/hooks of this repository, also in a worktree). */
export async function hooksDir(cwd: string): Promise<string> {
  const r = await git(cwd, ['rev-parse', '--git-path', 'hooks']);
  return path.resolve(cwd, r.stdout.trim());
}

const isCairns = async (file: string) => (await fs.readFile(file, 'utf8').catch(() => '')).includes(MARKER);

export interface HookChange {
  hook: HookName;
  /** installed: new; updated: cairn's hook rewritten; chained: an existing hook kept and run first; removed / restored (the chained one put back); foreign: someone else's, left alone. */
  action: 'installed' | 'updated' | 'chained' | 'removed' | 'restored' | 'foreign' | 'absent';
}

/** Writes cairn's hooks; an existing hook of someone else is renamed to `<hook>.pre-cairn` and run first. */
export async function installHooks(cwd: string, cairnCommand: string[]): Promise<HookChange[]> {
  const dir = await hooksDir(cwd);
  await fs.mkdir(dir, { recursive: true }).catch((err) => { throw fromSystemError(err, `could not create ${dir}`); });
  const changes: HookChange[] = [];
  for (const hook of HOOK_NAMES) {
    const file = path.join(dir, hook);
    let action: HookChange['action'] = 'installed';
    if (existsSync(file)) {
      if (await isCairns(file)) action = 'updated';
      else {
        // Renamed, not copied, so its mode and content stay exactly as they were.
        await fs.rename(file, `${file}${CHAINED_SUFFIX}`).catch((err) => { throw fromSystemError(err, `could not move ${file} aside`); });
        action = 'chained';
      }
    }
    await fs.writeFile(file, hookScript(hook, cairnCommand), { mode: 0o755 }).catch((err) => { throw fromSystemError(err, `could not write ${file}`); });
    await fs.chmod(file, 0o755);
    changes.push({ hook, action });
  }
  return changes;
}

/** Removes cairn's hooks and puts back the hooks they chained; hooks that are not cairn's are left alone. */
export async function uninstallHooks(cwd: string): Promise<HookChange[]> {
  const dir = await hooksDir(cwd);
  const changes: HookChange[] = [];
  for (const hook of HOOK_NAMES) {
    const file = path.join(dir, hook);
    if (!existsSync(file)) {
      changes.push({ hook, action: 'absent' });
      continue;
    }
    if (!(await isCairns(file))) {
      changes.push({ hook, action: 'foreign' });
      continue;
    }
    await fs.rm(file, { force: true });
    const chained = `${file}${CHAINED_SUFFIX}`;
    if (existsSync(chained)) await fs.rename(chained, file);
    changes.push({ hook, action: existsSync(file) ? 'restored' : 'removed' });
  }
  return changes;
}
