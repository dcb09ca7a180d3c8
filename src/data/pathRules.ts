import { realpathSync } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../core/errors.js';
import { CAIRN_DIR, type Repo } from '../core/repo.js';
import { POINTER_SUFFIX } from './pointer.js';

/** A path the user named, resolved: absolute, and relative to the repo root with `/` separators. */
export interface UserPath {
  abs: string;
  rel: string;
}

/** Resolves `..` and symlinked parent folders, so `inside` checks compare real locations. */
function realParent(abs: string): string {
  try {
    return path.join(realpathSync(path.dirname(abs)), path.basename(abs));
  } catch {
    return abs;
  }
}

/**
 * Checks a user-typed path (relative to `cwd`) and returns it resolved against the repo. Refuses paths outside the
 * repo and `.git`/`.cairn` or anything inside them. With `allowPointer`, `data.cairn` means `data`.
 */
export function resolveUserPath(repo: Repo, cwd: string, input: string, options: { allowPointer?: boolean; allowRoot?: boolean } = {}): UserPath {
  let abs = path.resolve(cwd, input);
  if (options.allowPointer && abs.endsWith(POINTER_SUFFIX) && path.basename(abs) !== POINTER_SUFFIX) abs = abs.slice(0, -POINTER_SUFFIX.length);
  let rootReal: string;
  try {
    rootReal = realpathSync(repo.root);
  } catch {
    rootReal = repo.root;
  }
  const real = realParent(abs);
  const relReal = path.relative(rootReal, real);
  const relLexical = path.relative(repo.root, abs);
  const outside = (r: string) => r === '' || r.startsWith('..') || path.isAbsolute(r);
  if (options.allowRoot && (relLexical === '' || relReal === '')) return { abs: repo.root, rel: '' };
  if (outside(relLexical) && outside(relReal)) {
    const what = relLexical === '' ? 'the repository root itself' : 'outside the repository';
    throw new CairnError('USAGE', `${input} is ${what} (${repo.root})`, {
      hint: relLexical === '' ? 'name the files or folders to track inside it' : 'copy the data into the repository first, then add it there',
    });
  }
  const rel = (outside(relLexical) ? relReal : relLexical).split(path.sep).join('/');
  const first = rel.split('/')[0];
  if (first === '.git' || first === CAIRN_DIR) {
    throw new CairnError('USAGE', `${input} is ${rel === first ? '' : 'inside '}cairn's or Git's own folder ${first}/`, {
      hint: 'track your data files, not the repository internals',
    });
  }
  if (!options.allowPointer && rel.endsWith(POINTER_SUFFIX)) {
    throw new CairnError('USAGE', `${input} is a cairn pointer file`, { hint: `name the data path instead: ${input.slice(0, -POINTER_SUFFIX.length)}` });
  }
  return { abs: path.join(repo.root, rel), rel };
}

const isUnder = (child: string, parent: string) => child.startsWith(`${parent}/`);

/** Refuses a list in which one path is inside another (`data` and `data/x`), which would track bytes twice. */
export function checkNoOverlap(paths: UserPath[]): void {
  const sorted = [...paths].sort((a, b) => (a.rel < b.rel ? -1 : 1));
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].rel.startsWith(sorted[i].rel); j++) {
      if (isUnder(sorted[j].rel, sorted[i].rel)) {
        throw new CairnError('USAGE', `${sorted[j].rel} is inside ${sorted[i].rel}, which is also given`, {
          hint: `add ${sorted[i].rel} alone; its files are tracked with it`,
        });
      }
    }
  }
}

/**
 * Refuses to track a path inside an already tracked directory, or a directory that holds a tracked path.
 * `tracked` are repo-relative data paths (pointer paths without `.cairn`). Re-adding a tracked path itself is fine.
 */
export function checkAgainstTracked(target: UserPath, tracked: string[]): void {
  for (const t of tracked) {
    if (isUnder(target.rel, t)) {
      throw new CairnError('CONFLICT', `${target.rel} is inside ${t}, which cairn already tracks`, {
        hint: `change the file, then run \`cairn commit ${t}\` to record the whole folder`,
      });
    }
    if (isUnder(t, target.rel)) {
      throw new CairnError('CONFLICT', `${target.rel} contains ${t}, which cairn already tracks on its own`, {
        hint: `stop tracking it first with \`cairn remove ${t}\`, or add the other paths one by one`,
      });
    }
  }
}
