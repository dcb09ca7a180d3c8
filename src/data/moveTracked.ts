import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { addToGitignore, removeFromGitignore } from './gitignore.js';
import { checkAgainstTracked, resolveUserPath } from './pathRules.js';
import { POINTER_SUFFIX, readPointer, writePointer } from './pointer.js';
import { resolveTracked } from './removeTracked.js';
import { checkNotStageOutput, ignoredForOutput, type StageOutput } from './stageOutputs.js';
import { readWorkspacePointers } from './workspacePointers.js';

export interface MoveResult {
  from: string;
  to: string;
  /** Repo-relative files Git should record: the new and old pointers and the changed `.gitignore` files. */
  changed: string[];
  /** False when the data was not in the workspace, so only the pointer moved. */
  movedData: boolean;
}

const rel = (repo: Repo, abs: string) => path.relative(repo.root, abs).split(path.sep).join('/');

/**
 * Moves a tracked path: its data, its pointer (with the new name) and its `.gitignore` entry. `dst` may be an
 * existing folder to move into. Everything is checked before anything moves.
 */
export async function moveTracked(
  repo: Repo,
  cwd: string,
  paths: { src: string; dst: string },
  /** Outputs the pipeline declares: never a destination, and their ignore entries stay. */
  stageOutputs: StageOutput[] = [],
): Promise<MoveResult> {
  const { src, dst } = paths;
  const from = await resolveTracked(repo, cwd, src, 'move');
  let to = resolveUserPath(repo, cwd, dst);
  const dstIsFolder = existsSync(to.abs) && statSync(to.abs).isDirectory() && !existsSync(to.abs + POINTER_SUFFIX);
  if (dstIsFolder) to = resolveUserPath(repo, cwd, path.join(path.resolve(cwd, dst), path.basename(from.abs)));
  if (to.rel === from.rel) throw new CairnError('USAGE', `${from.rel} is already at ${to.rel}`, { hint: 'name a different destination' });
  if (to.rel.startsWith(from.rel + '/')) {
    throw new CairnError('USAGE', `cannot move ${from.rel} into itself (${to.rel})`, { hint: 'choose a destination outside it' });
  }
  if (existsSync(to.abs) || existsSync(to.abs + POINTER_SUFFIX)) {
    throw new CairnError('CONFLICT', `cannot move ${from.rel} to ${to.rel}: ${existsSync(to.abs) ? to.rel : to.rel + POINTER_SUFFIX} already exists`, {
      hint: 'remove it first, or choose another destination',
    });
  }
  const others = (await readWorkspacePointers(repo)).map((p) => p.dataPath).filter((p) => p !== from.rel);
  checkAgainstTracked(to, others);
  checkNotStageOutput(to.rel, stageOutputs, 'move');
  const pointer = await readPointer(from.pointerAbs);

  const movedData = existsSync(from.abs);
  const toPointer = to.abs + POINTER_SUFFIX;
  try {
    await fs.mkdir(path.dirname(to.abs), { recursive: true });
    // Data first, then the new pointer, then the old one goes: a crash in between leaves a pointer for the data.
    if (movedData) await fs.rename(from.abs, to.abs);
    await writePointer(toPointer, { ...pointer, path: path.basename(to.abs) });
    await fs.rm(from.pointerAbs, { force: true });
  } catch (err) {
    throw fromSystemError(err, `could not move ${from.rel} to ${to.rel}`);
  }
  const changed = [rel(repo, toPointer), rel(repo, from.pointerAbs)];
  const added = await addToGitignore(to.abs);
  const dropped = ignoredForOutput(from.rel, stageOutputs) ? null : await removeFromGitignore(from.abs);
  for (const f of [added, dropped]) if (f && !changed.includes(rel(repo, f))) changed.push(rel(repo, f));
  return { from: from.rel, to: to.rel, changed, movedData };
}
