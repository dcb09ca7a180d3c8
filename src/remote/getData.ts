import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError, redactSecrets } from '../core/errors.js';
import { findRepoRoot, openRepo } from '../core/repo.js';
import { ObjectStore } from '../data/objectStore.js';
import type { TreeEntry } from '../data/tree.js';
import { fetchSource } from './fetchSource.js';
import { forEachLimit } from './forEachLimit.js';
import { findSourceTarget, normalizeSourcePath, openSourceRepo, type SourceRepo } from './sourceRepo.js';
import { cacheStore } from '../data/cacheStore.js';

/** Parallel file copies out of the cache: enough to keep a disk busy without exhausting file handles. */
const COPY_JOBS = 16;

export interface GetOptions {
  url: string;
  path: string;
  rev?: string;
  /** Where to write (default: the path's base name in the current folder). */
  out?: string;
  /** Replace an existing output. */
  force?: boolean;
  jobs?: number;
  ctx: RunContext;
  /**
   * Chooses the revision and path after the source is cloned (`cairn model get` reads them from its tags); `rev`
   * and `path` are then ignored.
   */
  resolve?: (source: SourceRepo) => Promise<{ rev: string; commit: string; path: string }>;
}

export interface GetResult {
  url: string;
  path: string;
  rev: string | null;
  commit: string;
  out: string;
  kind: 'file' | 'dir';
  files: number;
  size: number;
  /** Objects downloaded (0 when everything came from a cache or from Git). */
  downloaded: number;
  /** Where the bytes came from: "git", a source cache, a remote. */
  from: string[];
}

/** Checks the output path and says what is in the way, before anything is downloaded. */
export function checkOutput(out: string, force: boolean | undefined): void {
  if (existsSync(out) && !force) {
    throw new CairnError('CONFLICT', `${out} already exists`, { hint: 'choose another name with -o, or replace it with --force' });
  }
}

/** Writes the files from the store into a temp sibling of `out`, then renames it into place: `out` appears whole or not at all. */
export async function writeEntries(store: ObjectStore, entries: TreeEntry[], out: string, force?: boolean): Promise<void> {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.get-${randomBytes(4).toString('hex')}`);
  try {
    await fs.mkdir(path.dirname(out), { recursive: true });
    const dest = (e: TreeEntry) => (e.path ? path.join(tmp, ...e.path.split('/')) : tmp);
    for (const dir of [...new Set(entries.map((e) => path.dirname(dest(e))))].sort()) await fs.mkdir(dir, { recursive: true });
    await forEachLimit(entries, COPY_JOBS, async (e) => {
      await store.copyTo(e.oid, dest(e));
      // Objects are read-only in the cache; the user's copy is theirs to edit.
      await fs.chmod(dest(e), e.exec ? 0o755 : 0o644);
    });
    if (force) await fs.rm(out, { recursive: true, force: true });
    await fs.rename(tmp, out);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw fromSystemError(err, `could not write ${out}`);
  }
}

/**
 * `cairn get`: downloads a tracked file or folder of another repository (by Git URL or path) at a revision, without
 * keeping a clone. Inside a cairn repo the objects go through its cache; elsewhere through a temp store.
 */
export async function getData(options: GetOptions): Promise<GetResult> {
  const { ctx } = options;
  let rel = options.resolve ? '' : normalizeSourcePath(options.path);
  let out = path.resolve(ctx.cwd, options.out ?? path.posix.basename(rel));
  if (!options.resolve) checkOutput(out, options.force);
  const inRepo = findRepoRoot(ctx.cwd) !== null;
  const repo = inRepo ? await openRepo({ cwd: ctx.cwd, env: ctx.env }) : null;
  const scratch = repo ? null : await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-get-'));
  try {
    const tmpRoot = repo ? repo.tmpDir : scratch!;
    const store = repo ? cacheStore(repo) : new ObjectStore(path.join(scratch!, 'cache'));
    let source = await openSourceRepo({ url: options.url, rev: options.resolve ? undefined : options.rev, tmpRoot, cwd: ctx.cwd });
    try {
      if (options.resolve) {
        const picked = await options.resolve(source);
        source = { ...source, rev: picked.rev, commit: picked.commit };
        rel = normalizeSourcePath(picked.path);
        out = path.resolve(ctx.cwd, options.out ?? path.posix.basename(rel));
        checkOutput(out, options.force);
      }
      const target = await findSourceTarget(source, rel);
      const fetched = await fetchSource(store, source, target, rel, { jobs: options.jobs, ctx });
      await writeEntries(store, fetched.entries, out, options.force);
      return {
        url: redactSecrets(options.url),
        path: rel,
        rev: source.rev ?? null,
        commit: source.commit,
        out,
        kind: fetched.info.kind,
        files: fetched.entries.length,
        size: fetched.info.size,
        downloaded: fetched.downloaded,
        from: fetched.from,
      };
    } finally {
      await source.cleanup();
    }
  } finally {
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  }
}
