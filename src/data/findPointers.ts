import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../core/repo.js';
import { git } from '../git/git.js';
import { POINTER_SUFFIX } from './pointer.js';

/**
 * Repo-relative paths of every `*.cairn` pointer file in the workspace, sorted. In Git, `ls-files` lists tracked and
 * untracked-but-not-ignored pointers without descending into ignored data folders; without Git the tree is walked.
 */
export async function findPointers(repo: Repo): Promise<string[]> {
  if (repo.git) {
    const r = await git(repo.root, ['ls-files', '-z', '-c', '-o', '--exclude-standard', '--', `:(glob)**/*${POINTER_SUFFIX}`]);
    const seen = new Set(r.stdout.split('\0').filter((p) => p && !p.startsWith('.cairn/')));
    // A committed pointer the user deleted is still listed by Git; it tracks nothing in the workspace any more.
    return [...seen].filter((p) => path.basename(p) !== POINTER_SUFFIX && existsSync(path.join(repo.root, p))).sort();
  }
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const d of readdirSync(abs, { withFileTypes: true })) {
      if (d.name === '.git' || d.name === '.cairn') continue;
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(path.join(abs, d.name), childRel);
      else if (d.name.endsWith(POINTER_SUFFIX) && d.name !== POINTER_SUFFIX && d.isFile()) out.push(childRel);
    }
  };
  walk(repo.root, '');
  return out.sort();
}
