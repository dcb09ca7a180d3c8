import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomicWrite.js';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { git } from '../git/git.js';
import { expandGlobs } from './expandGlobs.js';
import { findPointers } from './findPointers.js';
import { addToGitignore } from './gitignore.js';
import type { PathInfo } from './pathInfo.js';
import { checkAgainstTracked, checkNoOverlap, resolveUserPath, type UserPath } from './pathRules.js';
import { dataPathFor, pointerPathFor, serializePointer, writePointer, type Pointer } from './pointer.js';
import { FLUSH_FILES_MAX, flushCache, flushFiles } from './prepareCache.js';
import { checkNotStageOutput, type StageOutput } from './stageOutputs.js';
import { storePathUnflushed } from './storePath.js';

export interface AddedPath {
  /** Repo-relative data path and pointer file. */
  path: string;
  pointer: string;
  info: PathInfo;
  /** Objects newly written to the cache for it. */
  stored: number;
  /** Whether the pointer file was created or changed (false when re-adding unchanged data). */
  changed: boolean;
}

export interface AddResult {
  added: AddedPath[];
  /** Repo-relative files Git should track now: the pointers and any `.gitignore` that changed. */
  gitPaths: string[];
}

/** A pointer for a stored path, keeping the fields an existing pointer had that are not about content. */
export function pointerFor(abs: string, info: PathInfo, previous?: Pointer): Pointer {
  return {
    ...(previous?.source ? { source: previous.source } : {}),
    version: 1,
    kind: info.kind,
    path: path.basename(abs),
    oid: info.oid,
    size: info.size,
    ...(info.kind === 'dir' ? { files: info.files ?? 0 } : {}),
    ...(info.kind === 'file' && info.exec ? { exec: true } : {}),
  };
}

/** Refuses data that Git itself already tracks: both would fight over the same bytes. */
async function checkNotInGit(repo: Repo, targets: UserPath[]): Promise<void> {
  if (!repo.git || targets.length === 0) return;
  const r = await git(repo.root, ['ls-files', '-z', '--', ...targets.map((t) => `:(literal)${t.rel}`)], { allowFail: true });
  const first = r.stdout.split('\0').find(Boolean);
  if (!first) return;
  const owner = targets.find((t) => first === t.rel || first.startsWith(`${t.rel}/`))?.rel ?? first;
  throw new CairnError('CONFLICT', `${owner} is tracked by Git (${first}), so cairn cannot track it too`, {
    hint: `stop tracking it in Git with \`git rm -r --cached ${owner}\`, then add it again`,
  });
}

/**
 * `cairn add`: validates every path first, stores all of them in the cache (flushed to disk), and only then writes
 * pointers and `.gitignore` entries. A bad path or a failure while storing leaves every pointer as it was.
 */
export async function addPaths(
  repo: Repo,
  inputs: string[],
  ctx: Partial<RunContext> & { cwd: string; /** Outputs the pipeline declares: never tracked by a pointer too. */ stageOutputs?: StageOutput[] },
): Promise<AddResult> {
  if (inputs.length === 0) throw new CairnError('USAGE', 'add needs at least one path', { hint: 'e.g. `cairn add data/`' });
  const targets = expandGlobs(ctx.cwd, inputs).map((p) => resolveUserPath(repo, ctx.cwd, p));
  const unique = [...new Map(targets.map((t) => [t.rel, t])).values()];
  checkNoOverlap(unique);
  const tracked = (await findPointers(repo)).map(dataPathFor);
  for (const t of unique) {
    try {
      lstatSync(t.abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CairnError('NOT_FOUND', `${t.rel} does not exist`, { hint: 'check the path; it is relative to the current folder' });
      }
      throw fromSystemError(err, `could not read ${t.rel}`);
    }
    checkAgainstTracked(t, tracked);
    checkNotStageOutput(t.rel, ctx.stageOutputs ?? []);
  }
  await checkNotInGit(repo, unique);
  const stored: Array<{ target: UserPath; info: Awaited<ReturnType<typeof storePathUnflushed>> }> = [];
  for (const t of unique) stored.push({ target: t, info: await storePathUnflushed(repo, t.abs, ctx) });
  // Every object is on disk before the first pointer names it: the few loose files written, one by one, or the
  // whole cache's file system.
  if (stored.some((s) => s.info.stored > 0)) {
    const loose = stored.map((s) => s.info.looseWritten);
    const few = loose.every((l) => l !== null) ? loose.flat() as string[] : null;
    if (few && few.length <= FLUSH_FILES_MAX) flushFiles(few);
    else await flushCache(repo.cacheDir);
  }
  const result: AddResult = { added: [], gitPaths: [] };
  for (const { target, info } of stored) {
    const pointerAbs = pointerPathFor(target.abs);
    const pointer = pointerFor(target.abs, info);
    // Renamed into place without an fsync each: one flush below covers them all.
    const changed = await writePointerIfChanged(pointerAbs, pointer, { fsync: false });
    const pointerRel = pointerPathFor(target.rel);
    result.added.push({ path: target.rel, pointer: pointerRel, info: stripStored(info), stored: info.stored, changed });
    result.gitPaths.push(pointerRel);
    if (repo.git) {
      const ignoreFile = await addToGitignore(target.abs, { fsync: false });
      if (ignoreFile) result.gitPaths.push(path.relative(repo.root, ignoreFile).split(path.sep).join('/'));
    }
  }
  if (result.added.some((a) => a.changed) || result.gitPaths.some((p) => p.endsWith('.gitignore'))) {
    // A few pointers and .gitignore files are flushed one by one; many, with one flush of the file system.
    const written = [...new Set(result.gitPaths)].map((p) => path.join(repo.root, p));
    if (written.length <= FLUSH_FILES_MAX) flushFiles(written);
    else await flushCache(repo.root);
  }
  result.gitPaths = [...new Set(result.gitPaths)];
  return result;
}

function stripStored(info: PathInfo & { stored?: number; looseWritten?: string[] | null }): PathInfo {
  const { stored: _stored, looseWritten: _loose, ...rest } = info;
  return rest;
}

/** Writes a pointer atomically unless the file already holds exactly these bytes; says whether it wrote. */
export async function writePointerIfChanged(file: string, pointer: Pointer, options: { fsync?: boolean } = {}): Promise<boolean> {
  const text = serializePointer(pointer);
  const old = await readFile(file, 'utf8').catch(() => null);
  if (old === text) return false;
  if (options.fsync === false) await writeFileAtomic(file, text, { fsync: false });
  else await writePointer(file, pointer);
  return true;
}
