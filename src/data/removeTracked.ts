import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { addToGitignore, removeFromGitignore } from './gitignore.js';
import { resolveUserPath } from './pathRules.js';
import { POINTER_SUFFIX } from './pointer.js';
import { ignoredForOutput, type StageOutput } from './stageOutputs.js';
import { readWorkspacePointers } from './workspacePointers.js';

export interface RemovedPath {
  /** Repo-relative data path that is no longer tracked. */
  path: string;
  pointer: string;
  /** The `.gitignore` that lost its entry (repo-relative), if any. */
  gitignore: string | null;
  /** Whether the workspace data was deleted too (`--outs`). */
  deletedData: boolean;
  /** Set when the `.gitignore` entry stayed because a stage still declares the path (or a folder holding it) as output. */
  keptIgnored?: { output: string; stage: string; file: string };
  /** `.gitignore` files (repo-relative) that now list the stage outputs inside the path, which its entry used to hide. */
  outputsIgnored?: string[];
}

/** A tracked path named by the user, checked: its data path and pointer file, absolute and repo-relative. */
export interface TrackedTarget {
  rel: string;
  abs: string;
  pointerAbs: string;
}

/** Resolves a user path (data path or pointer path) to a tracked path, with clear errors for anything else. */
export async function resolveTracked(repo: Repo, cwd: string, input: string, doing: string): Promise<TrackedTarget> {
  const { rel, abs } = resolveUserPath(repo, cwd, input, { allowPointer: true });
  const pointerAbs = abs + POINTER_SUFFIX;
  if (existsSync(pointerAbs)) return { rel, abs, pointerAbs };
  const owner = (await readWorkspacePointers(repo)).find((p) => p.pointer.kind === 'dir' && rel.startsWith(p.dataPath + '/'));
  if (owner) {
    throw new CairnError('USAGE', `cannot ${doing} ${rel}: it is a file inside the tracked directory ${owner.dataPath}`, {
      hint: `${doing} the whole directory (${owner.dataPath}), or change the file and run \`cairn commit ${owner.dataPath}\``,
    });
  }
  throw new CairnError('NOT_FOUND', `cannot ${doing} ${rel}: it is not tracked by cairn (no ${rel}${POINTER_SUFFIX})`, {
    hint: 'run `cairn ls` to see the tracked paths',
  });
}

/**
 * Stops tracking paths: deletes each pointer file and its `.gitignore` entry; with `deleteData` also the workspace
 * data. Cache objects are never deleted here (that is `cairn gc`). Every path is checked before anything changes.
 */
export async function removeTracked(
  repo: Repo,
  cwd: string,
  inputs: string[],
  options: { deleteData?: boolean; /** Outputs the pipeline declares, whose ignore entries must survive. */ stageOutputs?: StageOutput[] } = {},
): Promise<RemovedPath[]> {
  if (inputs.length === 0) throw new CairnError('USAGE', 'name at least one tracked path to remove', { hint: 'for example: cairn remove data/' });
  const targets: TrackedTarget[] = [];
  for (const input of inputs) {
    const t = await resolveTracked(repo, cwd, input, 'remove');
    if (!targets.some((x) => x.rel === t.rel)) targets.push(t);
  }
  const removed: RemovedPath[] = [];
  for (const t of targets) {
    try {
      if (options.deleteData) await fs.rm(t.abs, { recursive: true, force: true });
      await fs.rm(t.pointerAbs, { force: true });
    } catch (err) {
      throw fromSystemError(err, `could not remove ${t.rel}`);
    }
    removed.push({ path: t.rel, pointer: t.rel + POINTER_SUFFIX, deletedData: Boolean(options.deleteData), ...(await unignore(repo, t, options.stageOutputs ?? [])) });
  }
  return removed;
}

const repoRel = (repo: Repo, abs: string) => path.relative(repo.root, abs).split(path.sep).join('/');

/**
 * Takes the path's `.gitignore` entry away, unless a stage still declares the path (or a folder holding it) as a
 * cached output: then the entry is what keeps the output out of `git add -A`, and it stays. Cached outputs inside the
 * path, which its entry hid, get entries of their own.
 */
async function unignore(repo: Repo, t: TrackedTarget, outputs: StageOutput[]): Promise<Pick<RemovedPath, 'gitignore' | 'keptIgnored' | 'outputsIgnored'>> {
  const kept = ignoredForOutput(t.rel, outputs);
  if (kept) return { gitignore: null, keptIgnored: { output: kept.path, stage: kept.stage, file: kept.file } };
  const ignoreFile = await removeFromGitignore(t.abs);
  const inside = outputs.filter((o) => o.cache && o.path.startsWith(`${t.rel}/`));
  const written: string[] = [];
  for (const o of inside) {
    const file = await addToGitignore(path.join(repo.root, o.path));
    if (file) written.push(repoRel(repo, file));
  }
  return { gitignore: ignoreFile ? repoRel(repo, ignoreFile) : null, ...(inside.length ? { outputsIgnored: [...new Set(written)] } : {}) };
}
