import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError, redactSecrets } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { withRepoLock } from '../core/repoLock.js';
import { addToGitignore } from '../data/gitignore.js';
import { pointerFor } from '../data/addPaths.js';
import { findPointers } from '../data/findPointers.js';
import { checkAgainstTracked, resolveUserPath } from '../data/pathRules.js';
import { dataPathFor, pointerPathFor, POINTER_SUFFIX, readPointer, writePointer, type PointerSource } from '../data/pointer.js';
import { restorePath } from '../data/restorePath.js';
import { checkNotStageOutput, type StageOutput } from '../data/stageOutputs.js';
import { fetchSource, type FetchedSource } from './fetchSource.js';
import type { GetOptions } from './getData.js';
import { findSourceTarget, isRemoteGitUrl, normalizeSourcePath, openSourceRepo } from './sourceRepo.js';
import { cacheStore } from '../data/cacheStore.js';

/** The same inputs as `cairn get`: a source URL, a path in it, an optional rev and output (here inside the workspace). */
export type ImportOptions = GetOptions & {
  /** Outputs the pipeline declares: an import must not land on one, as `cairn add` must not track one. */
  stageOutputs?: StageOutput[];
};

export interface ImportResult {
  /** Repo-relative data path and pointer file. */
  path: string;
  pointer: string;
  source: PointerSource;
  kind: 'file' | 'dir';
  oid: string;
  size: number;
  files: number;
  downloaded: number;
  /** .gitignore files that changed. */
  gitignore: string[];
}

export interface UpdateResult extends ImportResult {
  /** The commit the import pointed at before. */
  previousCommit: string;
  /** False when the source revision still resolves to the same commit ("already up to date"). */
  updated: boolean;
  /** Whether the data itself changed. */
  changed: boolean;
}

const rel = (repo: Repo, abs: string) => path.relative(repo.root, abs).split(path.sep).join('/');

/**
 * The URL to record: a local folder is stored as an absolute path, which still names the source after the repository
 * is moved or cloned elsewhere on the machine (a relative one breaks on both; see docs/decisions.md). Git URLs as given.
 */
function recordedUrl(url: string, cwd: string): string {
  if (isRemoteGitUrl(url) || /^file:\/\//i.test(url)) return url;
  return path.resolve(cwd, url);
}

/** The result fields that describe what was fetched and where it came from (shared by import and update). */
function fetchedFields(fetched: FetchedSource, source: PointerSource) {
  return {
    source,
    kind: fetched.info.kind,
    oid: fetched.info.oid,
    size: fetched.info.size,
    files: fetched.entries.length,
    downloaded: fetched.downloaded,
  };
}

/** Fetches `rel` of the source at `rev` into the repo cache, checks it out at `abs` and returns what to record. */
async function bring(repo: Repo, abs: string, options: { url: string; resolveFrom: string; rel: string; rev?: string; force?: boolean; jobs?: number; ctx: RunContext; recordUrl: string; skipIfCommit?: string }) {
  const source = await openSourceRepo({ url: options.url, rev: options.rev, tmpRoot: repo.tmpDir, cwd: options.resolveFrom });
  try {
    if (options.skipIfCommit === source.commit) return { commit: source.commit, unchanged: true as const };
    const target = await findSourceTarget(source, options.rel);
    const fetched = await fetchSource(cacheStore(repo), source, target, options.rel, { jobs: options.jobs, ctx: options.ctx });
    await restorePath(repo, abs, fetched.info, { ...options.ctx, force: options.force });
    const recorded: PointerSource = { url: options.recordUrl, path: options.rel, ...(options.rev ? { rev: options.rev } : {}), commit: source.commit };
    return { commit: source.commit, unchanged: false as const, fetched, recorded };
  } finally {
    await source.cleanup();
  }
}

/** `cairn import`: like get, but the data lands in this repo's cache and workspace with a pointer that records its source. */
export async function importData(repo: Repo, options: ImportOptions): Promise<ImportResult> {
  const { ctx } = options;
  const srcRel = normalizeSourcePath(options.path);
  // The same rules as `cairn add`: inside the workspace, not in .git/.cairn, not a pointer file.
  const target = resolveUserPath(repo, ctx.cwd, options.out ?? path.posix.basename(srcRel));
  const { abs, rel: where } = target;
  const pointerFile = pointerPathFor(abs);
  return withRepoLock(repo.tmpDir, {}, async () => {
    // Nested tracking (inside a tracked folder, or around one) would version the same bytes twice.
    checkAgainstTracked(target, (await findPointers(repo)).map(dataPathFor).filter((p) => p !== where));
    checkNotStageOutput(where, options.stageOutputs ?? [], 'import');
    if (existsSync(pointerFile)) {
      const existing = await readPointer(pointerFile);
      throw new CairnError('CONFLICT', `${where} is already ${existing.source ? `imported from ${redactSecrets(existing.source.url)}` : 'tracked by cairn'}`, {
        hint: existing.source ? `move it to another revision with \`cairn update ${where} --rev REV\`` : 'choose another output path with -o',
      });
    }
    if (existsSync(abs) && !options.force) {
      throw new CairnError('CONFLICT', `${where} already exists`, { hint: 'choose another output path with -o, or replace it with --force' });
    }
    const brought = await bring(repo, abs, {
      url: options.url, resolveFrom: ctx.cwd, rel: srcRel, rev: options.rev, force: options.force, jobs: options.jobs, ctx,
      recordUrl: recordedUrl(options.url, ctx.cwd),
    });
    if (brought.unchanged) throw new CairnError('INTERNAL', 'import found nothing to do');
    const { fetched, recorded } = brought;
    await writePointer(pointerFile, { ...pointerFor(abs, fetched.info), source: recorded });
    const ignore = repo.git ? await addToGitignore(abs) : null;
    return {
      path: where,
      pointer: rel(repo, pointerFile),
      ...fetchedFields(fetched, recorded),
      gitignore: ignore ? [rel(repo, ignore)] : [],
    };
  });
}

/** `cairn update`: re-resolves an import's revision (or a new `rev`) and, when the commit moved, brings the new data. */
export async function updateImport(repo: Repo, options: { target: string; rev?: string; force?: boolean; jobs?: number; ctx: RunContext }): Promise<UpdateResult> {
  const { ctx } = options;
  const given = path.resolve(ctx.cwd, options.target.replace(/[\\/]+$/, ''));
  const abs = given.endsWith(POINTER_SUFFIX) ? given.slice(0, -POINTER_SUFFIX.length) : given;
  const pointerFile = pointerPathFor(abs);
  const where = rel(repo, abs);
  if (!existsSync(pointerFile)) {
    throw new CairnError('NOT_FOUND', `${where} is not tracked (no ${rel(repo, pointerFile)})`, { hint: 'bring data from another repository with `cairn import URL PATH`' });
  }
  return withRepoLock(repo.tmpDir, {}, async () => {
    const pointer = await readPointer(pointerFile);
    if (!pointer.source) {
      throw new CairnError('USAGE', `${where} was not imported, so there is nothing to update it from`, { hint: 'use `cairn add` or `cairn commit` for data you change yourself' });
    }
    const old = pointer.source;
    const rev = options.rev ?? old.rev;
    const brought = await bring(repo, abs, {
      // Imports made before absolute paths were recorded hold a folder relative to the repo root.
      url: old.url, resolveFrom: repo.root, rel: old.path, rev, force: options.force, jobs: options.jobs, ctx,
      recordUrl: old.url, skipIfCommit: rev === old.rev ? old.commit : undefined,
    });
    const base = { path: where, pointer: rel(repo, pointerFile), previousCommit: old.commit, gitignore: [] as string[] };
    if (brought.unchanged) {
      return { ...base, source: old, kind: pointer.kind, oid: pointer.oid, size: pointer.size, files: pointer.files ?? 1, downloaded: 0, updated: false, changed: false };
    }
    const { fetched, recorded } = brought;
    await writePointer(pointerFile, { ...pointerFor(abs, fetched.info), source: recorded });
    return {
      ...base,
      ...fetchedFields(fetched, recorded),
      updated: recorded.commit !== old.commit || recorded.rev !== old.rev,
      changed: fetched.info.oid !== pointer.oid,
    };
  });
}
