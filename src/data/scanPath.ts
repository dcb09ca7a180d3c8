import { randomUUID } from 'node:crypto';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LinkType } from '../core/config.js';
import type { RunContext } from '../core/context.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { cachePresence, listingPays } from './cachePresence.js';
import { cacheSignature, listingFingerprint } from './dirSnapshot.js';
import { readChunkRefSync } from './chunks/chunkRefs.js';
import { objectFile, statOf, systemErrorOf, type HashResult, type PoolItem, type StoreParams } from './fileOps.js';
import { runPool } from './hashPool.js';
import { ObjectStore } from './objectStore.js';
import { locateObject } from './packs/locateObject.js';
import { packParams } from './packs/packParams.js';
import type { PathInfo } from './pathInfo.js';
import { FLUSH_FILES_MAX, flushCache, flushFiles, flushInBackground, prepareCache } from './prepareCache.js';
import { StateIndex, stateMatches, type StateEntry } from './stateIndex.js';
import { treeOid, type TreeEntry } from './tree.js';
import { walkWorkspace, type WalkCollect, type WalkEntry } from './walkWorkspace.js';
import { newCacheLayout } from './packs/cacheLayout.js';

/** File-system timestamps move in coarse ticks (a few ms); writes this close to a scan may not change the mtime. */
const RACY_MS = 20;

export interface ScanResult {
  info: PathInfo;
  /** Every file with its oid; for a single file one entry whose path is ''. */
  entries: TreeEntry[];
  /** Objects this call wrote to the cache (0 when everything was already there). */
  stored: number;
  /**
   * The loose object files this call wrote, when they are few and every pack it wrote is durable already: flushing
   * these (`flushFiles`) makes all it stored durable. null: flush the cache's file system (`flushCache`).
   */
  looseWritten: string[] | null;
}

export function repoRelative(repo: Repo, abs: string): string {
  return path.relative(repo.root, abs).split(path.sep).join('/');
}

/** Lists the files of a workspace path (one for a file), refusing symlinks that lead out of the repo. */
export async function listWorkspacePath(repo: Repo, abs: string, collect?: WalkCollect): Promise<{ kind: 'file' | 'dir'; files: WalkEntry[] }> {
  let lst;
  try {
    lst = lstatSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CairnError('NOT_FOUND', `${repoRelative(repo, abs) || abs} does not exist`, { hint: 'check the path (it is relative to the current folder)' });
    }
    throw fromSystemError(err, `could not read ${abs}`);
  }
  if (lst.isSymbolicLink()) {
    const target = realpathSync(abs);
    const ok = [repo.root, repo.cacheDir].some((base) => {
      const r = path.relative(realpathSync.native(base), target);
      return !r.startsWith('..') && !path.isAbsolute(r);
    });
    if (!ok) {
      throw new CairnError('INVALID', `symlink ${repoRelative(repo, abs)} leads outside the repository (to ${target})`, {
        hint: 'copy the data into the repository and add the copy',
      });
    }
  }
  const st = statSync(abs, { bigint: true });
  if (st.isDirectory()) return { kind: 'dir', files: await walkWorkspace(abs, { repoRoot: repo.root, cacheDir: repo.cacheDir, collect }) };
  if (!st.isFile()) throw new CairnError('INVALID', `${repoRelative(repo, abs)} is not a regular file or directory`);
  return { kind: 'file', files: [{ rel: '', abs, stat: statOf(st), exec: (Number(st.mode) & 0o111) !== 0, readOnly: (Number(st.mode) & 0o222) === 0 }] };
}

/** Turns a failed file operation into the error a user should see, naming the file. */
export function fileOpError(repo: Repo, r: HashResult, doing: string): CairnError {
  const e = r.error!;
  const rel = repoRelative(repo, e.path);
  if (e.kind === 'chunked') return new CairnError(e.code!, `could not ${doing} ${rel}: ${e.message}`, { hint: e.hint, data: { path: rel } });
  if (e.kind === 'changed') {
    return new CairnError('CONFLICT', `${rel} changed while it was being read; nothing was recorded for it`, {
      hint: 'wait until the program writing it has finished, then run the command again',
      data: { path: rel },
    });
  }
  if (e.errno === 'EXDEV') {
    return new CairnError('INVALID', `could not ${doing} ${rel}: the cache (${repo.cacheDir}) is on another file system, where cache.link ${repo.config.cache.link.join(',')} cannot link`, {
      hint: 'let cairn fall back to copies: `cairn config cache.link hardlink,copy` (or reflink,copy)',
    });
  }
  return systemErrorOf(e, `could not ${doing} ${rel}`);
}

/** The link modes to apply to the workspace after storing: only those before `copy` change anything. */
function relinkModes(links: LinkType[]): LinkType[] {
  const copyAt = links.indexOf('copy');
  const wanted = copyAt >= 0 ? links.slice(0, copyAt) : links;
  return wanted.filter((m) => m !== 'reflink').length ? links : [];
}

/**
 * Hashes (and with `store`, caches) a workspace file or directory. Files the state index already knows are not read
 * again; the rest go to the worker pool in batches. The result's oid is the blob's, or for a directory its tree's.
 */
export async function scanPath(
  repo: Repo,
  abs: string,
  options: {
    store: boolean;
    ctx?: Partial<RunContext>;
    /** false: skip the tree oid (info.oid is ''), for callers comparing entries. */
    treeOid?: boolean;
    /** The path's listing when the caller already walked it. */
    listing?: { kind: 'file' | 'dir'; files: WalkEntry[] };
    /** false: the caller needs only `info` (entries come back empty), so an unchanged folder skips all per-file work. */
    entries?: boolean;
    /** false: the caller flushes the cache itself (once for many paths) before writing any pointer. */
    flush?: boolean;
  },
): Promise<ScanResult> {
  const ctx = options.ctx ?? {};
  const rel = repoRelative(repo, abs);
  const started = Date.now();
  const racyAfter = BigInt(started - RACY_MS) * 1_000_000n;
  const debug = (what: string) => ctx.onLog?.('debug', `${rel}: ${what} (${Date.now() - started} ms)`);
  const { kind, files } = options.listing ?? (await listWorkspacePath(repo, abs));
  debug(`listed ${files.length} files`);
  const keyOf = (f: WalkEntry) => (f.rel ? `${rel}/${f.rel}` : rel);
  const links = options.store ? relinkModes(repo.config.cache.link) : [];
  // Folder snapshots (see dirSnapshot.ts) only where the scan never replaces workspace files by links.
  const fingerprint = kind === 'dir' && options.treeOid !== false && links.length === 0 ? listingFingerprint(files) : null;
  const state = StateIndex.open(repo);
  try {
    const snap = fingerprint ? state.getDir(rel) : undefined;
    if (fingerprint && snap?.fingerprint === fingerprint && options.entries === false
      && (!options.store || (snap.cacheSig !== null && snap.cacheSig === cacheSignature(repo.cacheDir)))) {
      debug('unchanged since its last snapshot');
      return { info: { kind: 'dir', oid: snap.oid, size: files.reduce((n, f) => n + f.stat.size, 0), files: files.length }, entries: [], stored: 0, looseWritten: [] };
    }
    const known = state.loadPrefix(rel);
    const oids: Array<string | undefined> = new Array(files.length);
    const stats = files.map((f) => f.stat);
    const work: number[] = [];
    const relink: number[] = [];
    if (options.store) await prepareCache(repo.cacheDir, newCacheLayout(repo.config.cache));
    // Built on the first file the state index knows: a first add of a folder never lists the cache or loads its packs.
    let presence: ((oid: string) => boolean) | null = null;
    const inCache = (oid: string) => (presence ??= cachePresence(repo.cacheDir, files.length))(oid);
    for (let i = 0; i < files.length; i++) {
      const hit = known.get(keyOf(files[i]));
      if (!stateMatches(hit, files[i].stat)) {
        work.push(i);
        continue;
      }
      oids[i] = hit.oid;
      // A protected file is a link to its read-only object, so its mode cannot show the recorded executable bit.
      if (files[i].readOnly) files[i].exec = hit.exec;
      if (!options.store) continue;
      if (!links.length) {
        // Known content whose object is gone from the cache (gc, a fresh cache): store it again.
        if (!inCache(hit.oid)) work.push(i);
        continue;
      }
      let objIno: number;
      try {
        objIno = Number(statSync(objectFile(repo.cacheDir, hit.oid)).ino);
      } catch {
        // Stored as chunks or packed: there is no object file to link to, and nothing to store again.
        if (readChunkRefSync(repo.cacheDir, hit.oid)) continue;
        if (locateObject(repo.cacheDir, hit.oid)?.kind === 'packed') continue;
        work.push(i);
        continue;
      }
      if (objIno !== files[i].stat.ino) relink.push(i);
    }
    // Many new files: each worker lists a prefix folder once rather than stat'ing every object it is about to write.
    const listRun = options.store && listingPays(repo.cacheDir, work.length) ? randomUUID() : undefined;
    const packing = options.store ? packParams(repo.cacheDir) : {};
    // Few files big enough to stay loose (none chunked): the packs are made durable as they are written and those few
    // files flushed one by one, instead of a flush of the whole file system (which writes out unrelated data too).
    const packBelow = packing.packBelow;
    const chunkAbove = repo.config.cache.chunk_threshold || Infinity;
    const bigFiles = packBelow === undefined ? null : work.filter((i) => files[i].stat.size >= packBelow);
    const fewLoose = bigFiles !== null && bigFiles.length < FLUSH_FILES_MAX && bigFiles.every((i) => files[i].stat.size <= chunkAbove);
    const params: StoreParams = {
      cacheDir: repo.cacheDir, links, fileMode: 0o666 & ~process.umask(), chunkThreshold: repo.config.cache.chunk_threshold,
      ...(listRun ? { listRun } : {}), ...packing, ...(fewLoose ? { durablePacks: true } : {}),
    };
    const toItem = (i: number): PoolItem => ({ abs: files[i].abs, size: files[i].stat.size, oid: oids[i], exec: files[i].exec });
    const toWork = (i: number): PoolItem => ({ abs: files[i].abs, size: files[i].stat.size, stat: files[i].stat });
    debug(`${files.length - work.length} files known to the state index`);
    const stopFlushing = options.store && work.length > 0 && !fewLoose ? flushInBackground(repo.cacheDir) : null;
    let results: HashResult[];
    try {
      results = await runPool(options.store ? 'store' : 'hash', work.map(toWork), options.store ? params : null, ctx);
    } finally {
      await stopFlushing?.();
    }
    const relinked = await runPool('relink', relink.map(toItem), params, ctx, 'linking');
    debug(`${options.store ? 'stored' : 'hashed'} ${work.length} files, linked ${relink.length}`);
    const fresh: Array<{ path: string } & StateEntry> = [];
    // Distinct oids: with listRun two workers may both write the same new content (identical bytes, renamed over).
    const storedOids = new Set<string>();
    const looseWritten: string[] | null = fewLoose ? [] : null;
    const take = (indexes: number[], res: HashResult[], doing: string) => {
      for (let k = 0; k < indexes.length; k++) {
        const r = res[k];
        if (r.error) throw fileOpError(repo, r, doing);
        const i = indexes[k];
        oids[i] = r.oid;
        stats[i] = r.stat!;
        if (r.stored) {
          storedOids.add(r.oid!);
          if (looseWritten && r.stat!.size >= packBelow!) looseWritten.push(objectFile(repo.cacheDir, r.oid!));
        }
        // A file modified just before or during the scan is "racy": another write within the same coarse mtime
        // tick would leave its stat unchanged, so it is not recorded and gets hashed again next time (as in Git).
        // A file replaced by a link to its read-only object cannot be written to, so it is never racy.
        const linked = links.length > 0 && r.stat!.ino !== files[i].stat.ino;
        if (linked || BigInt(r.stat!.mtimeNs) < racyAfter) fresh.push({ path: keyOf(files[i]), ...r.stat!, oid: r.oid!, exec: files[i].exec });
      }
    };
    take(work, results, options.store ? 'store' : 'hash');
    take(relink, relinked, 'link');
    let stored = storedOids.size;
    const entries: TreeEntry[] = files.map((f, i) => ({ path: f.rel, oid: oids[i]!, size: stats[i].size, exec: f.exec }));
    let info: PathInfo;
    if (kind === 'file') {
      info = { kind, oid: entries[0].oid, size: entries[0].size, ...(entries[0].exec ? { exec: true } : {}) };
    } else if (options.treeOid === false && !options.store) {
      info = { kind, oid: '', size: entries.reduce((n, e) => n + e.size, 0), files: entries.length };
    } else {
      const tree = treeOid(entries);
      if (options.store) {
        const put = await new ObjectStore(repo.cacheDir).putBuffer(tree.bytes);
        if (put.stored) {
          stored++;
          looseWritten?.push(objectFile(repo.cacheDir, tree.oid));
        }
      }
      info = { kind, oid: tree.oid, size: entries.reduce((n, e) => n + e.size, 0), files: entries.length };
    }
    if (options.store && stored > 0 && options.flush !== false) {
      if (looseWritten) flushFiles(looseWritten);
      else await flushCache(repo.cacheDir);
      debug(`flushed ${stored} new objects to disk`);
    }
    state.putMany(fresh);
    debug(`recorded ${fresh.length} files in the state index`);
    if (fingerprint) {
      // After storing, every object of the tree is in the cache: the cache signature can vouch for that next time.
      // A plain hash proves nothing about the cache, so it keeps a snapshot that already vouches for this tree.
      const keep = !options.store && snap?.fingerprint === fingerprint && snap.oid === info.oid;
      if (!keep) state.putDir(rel, { fingerprint, oid: info.oid, cacheSig: options.store ? cacheSignature(repo.cacheDir) : null });
    }
    return { info, entries, stored, looseWritten };
  } finally {
    state.close();
  }
}
