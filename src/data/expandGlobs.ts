import { readdirSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { CairnError } from '../core/errors.js';
import { POINTER_SUFFIX } from './pointer.js';

const SKIP = new Set(['.git', '.cairn']);

/**
 * Expands glob arguments (`data/*.csv`, `raw/**`) relative to `cwd`, as a shell would but also for quoted globs.
 * Plain paths pass through untouched. Matches may be files or folders; a matched folder is not searched further.
 * Pointer files and cairn's and Git's folders never match. A glob that matches nothing is an error.
 */
export function expandGlobs(cwd: string, args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const scan = picomatch.scan(arg);
    if (!scan.isGlob) {
      out.push(arg);
      continue;
    }
    const base = path.resolve(cwd, scan.base || '.');
    const isMatch = picomatch(scan.glob, { dot: false });
    const depth = scan.glob.includes('**') ? Infinity : scan.glob.split('/').length;
    const found: string[] = [];
    const walk = (abs: string, rel: string, level: number) => {
      let dirents;
      try {
        dirents = readdirSync(abs, { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of dirents) {
        if (SKIP.has(d.name) || d.name.endsWith(POINTER_SUFFIX)) continue;
        const childRel = rel ? `${rel}/${d.name}` : d.name;
        if (isMatch(childRel)) found.push(path.join(abs, d.name));
        else if (d.isDirectory() && level + 1 < depth) walk(path.join(abs, d.name), childRel, level + 1);
      }
    };
    walk(base, '', 0);
    if (found.length === 0) {
      throw new CairnError('NOT_FOUND', `no files match ${arg}`, { hint: 'check the pattern; it is relative to the current folder' });
    }
    out.push(...found.sort().map((f) => path.relative(cwd, f) || '.'));
  }
  return out;
}
