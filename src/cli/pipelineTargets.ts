import path from 'node:path';
import type { Repo } from '../core/repo.js';
import { PIPELINE_FILE } from '../pipeline/loadPipeline.js';

/**
 * Stage targets as the pipeline wants them: a pipeline file named in a target (`cairn.yaml:fit`, `../cairn.yaml`) is
 * relative to the current folder, as DVC takes `dvc.yaml:stage`, and becomes repo-relative; bare names stay. Pure.
 */
export function repoRelativeTargets(repo: Repo, cwd: string, targets: string[]): string[] {
  return targets.map((t) => {
    const colon = t.lastIndexOf(':');
    const file = colon > 0 ? t.slice(0, colon) : t;
    if (path.posix.basename(file.replace(/\\/g, '/')) !== PIPELINE_FILE) return t;
    const rel = path.relative(repo.root, path.resolve(cwd, file)).split(path.sep).join('/');
    return colon > 0 ? `${rel}:${t.slice(colon + 1)}` : rel;
  });
}
