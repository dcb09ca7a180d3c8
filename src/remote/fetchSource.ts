import type { RunContext } from '../core/context.js';
import { CairnError, redactSecrets } from '../core/errors.js';
import { catFileBatch } from '../git/git.js';
import { ObjectStore } from '../data/objectStore.js';
import { PackedRemote } from './packs/packedRemote.js';
import { withPacks } from './packs/withPacks.js';
import type { PathInfo } from '../data/pathInfo.js';
import { parseTree, treeOid, type TreeEntry } from '../data/tree.js';
import { openLocalRemote } from './localRemote.js';
import { openRemoteSpec } from './openRemote.js';
import { defaultJobs } from './pushPull.js';
import type { Remote } from './remote.js';
import { sourceCacheDir, sourceRemoteSpec, type SourceRepo, type SourceTarget } from './sourceRepo.js';
import { downloadItems } from './downloadObjects.js';
import { failureError, type TransferFailure, type TransferItem } from './transfer.js';

export interface FetchedSource {
  info: PathInfo;
  /** The files, relative to the fetched path ('' for a single file). */
  entries: TreeEntry[];
  /** Objects downloaded, and where from. */
  downloaded: number;
  from: string[];
}

/**
 * Where the data can come from, best first: the local source's own cache (no network), then its default remote.
 * Remotes are opened lazily, so a source whose cache has everything needs no remote at all.
 */
function providers(source: SourceRepo, cacheDir: string, ctx: RunContext): { label: string; jobs: number; open: () => Promise<Remote> }[] {
  const list: { label: string; jobs: number; open: () => Promise<Remote> }[] = [];
  const cache = sourceCacheDir(source);
  if (cache) {
    list.push({ label: `the cache of ${source.url}`, jobs: defaultJobs(cache, {}), open: async () => new PackedRemote(await openLocalRemote('source-cache', cache, { read_only: true }, ctx), cacheDir) });
  }
  const spec = sourceRemoteSpec(source);
  if (spec) {
    list.push({
      label: `remote "${spec.name}" of ${redactSecrets(source.url)}`,
      jobs: defaultJobs(spec.url, spec.options),
      open: async () => withPacks(await openRemoteSpec(spec, source.localRoot ?? '/', ctx), cacheDir, { signal: ctx.signal }),
    });
  }
  return list;
}

/** Brings the objects of `items` into `store` from the providers in turn; returns how many moved, or throws naming what is missing. */
async function fetchObjects(store: ObjectStore, source: SourceRepo, items: TransferItem[], jobs: number | undefined, ctx: RunContext): Promise<{ downloaded: number; from: string[] }> {
  let pending = items.filter((i) => i.oid);
  const present = await store.hasMany(pending.map((i) => i.oid));
  pending = pending.filter((i) => !present.has(i.oid));
  let downloaded = 0;
  const from: string[] = [];
  let failed: TransferFailure[] = [];
  let lastName = '';
  for (const provider of providers(source, store.root, ctx)) {
    if (pending.length === 0) break;
    const remote = await provider.open();
    lastName = remote.name;
    try {
      const result = await downloadItems(store, remote, pending, { jobs: jobs ?? provider.jobs, ctx });
      if (result.transferred) from.push(provider.label);
      downloaded += result.transferred;
      const done = new Set(result.complete);
      pending = pending.filter((i) => !done.has(i));
      failed = result.failed;
      // Corrupt data is never papered over by trying the next source: report it.
      if (failed.some((f) => f.code === 'INTEGRITY')) break;
    } finally {
      await remote.close();
    }
  }
  if (pending.length === 0) return { downloaded, from };
  if (lastName === '') {
    throw new CairnError('NOT_FOUND', `${redactSecrets(source.url)} has no remote configured, so the data of ${pending[0].label} cannot be downloaded`, {
      hint: 'ask its owners to add a default remote (cairn remote add -d) and push, or use a local path to a clone that has the data in its cache',
    });
  }
  throw failureError('fetch', lastName, failed.length ? failed : pending.map((i) => ({ label: i.label, oid: i.oid, code: 'NOT_FOUND', message: 'not found' })),
    `could not get all data from ${redactSecrets(source.url)}`);
}

/** Puts the target's bytes into `store` (verified) and describes them as a file or a folder, like `cairn add` would. */
export async function fetchSource(
  store: ObjectStore,
  source: SourceRepo,
  target: SourceTarget,
  rel: string,
  options: { jobs?: number; ctx: RunContext },
): Promise<FetchedSource> {
  const { ctx } = options;
  await store.ensureLayout();
  if (target.kind === 'git') {
    const blobs = await catFileBatch(source.gitDir, [...new Set(target.files.map((f) => f.blob))]);
    const entries: TreeEntry[] = [];
    for (const f of target.files) {
      const bytes = blobs.get(f.blob);
      if (!bytes) throw new CairnError('INTERNAL', `git could not read ${rel}/${f.path} from ${redactSecrets(source.url)}`);
      const { oid } = await store.putBuffer(bytes);
      entries.push({ path: f.path, oid, size: bytes.length, exec: f.exec });
    }
    return { ...(await describe(store, entries, target.isDir)), entries, downloaded: 0, from: ['git'] };
  }
  const { pointer, sub } = target;
  if (pointer.kind === 'file') {
    const fetched = await fetchObjects(store, source, [{ label: rel, oid: pointer.oid, kind: 'file', size: pointer.size }], options.jobs, ctx);
    const entries = [{ path: '', oid: pointer.oid, size: pointer.size, exec: Boolean(pointer.exec) }];
    return { info: { kind: 'file', oid: pointer.oid, size: pointer.size, exec: Boolean(pointer.exec) }, entries, ...fetched };
  }
  // A folder: its tree object first (to learn the files), then only the files under the asked-for part.
  const first = await fetchObjects(store, source, [{ label: target.dataPath, oid: pointer.oid, kind: 'file' }], options.jobs, ctx);
  const tree = parseTree(await store.read(pointer.oid), `${pointer.oid} (${target.dataPath})`);
  const selected = sub
    ? tree.entries.filter((e) => e.path === sub || e.path.startsWith(`${sub}/`)).map((e) => ({ ...e, path: e.path === sub ? '' : e.path.slice(sub.length + 1) }))
    : tree.entries;
  if (selected.length === 0) {
    throw new CairnError('NOT_FOUND', `${rel} is not in the tracked folder ${target.dataPath} of ${redactSecrets(source.url)} at ${source.commit.slice(0, 12)}`, {
      hint: `the folder has ${tree.entries.length} file(s); check the path`,
    });
  }
  const isDir = !(selected.length === 1 && selected[0].path === '');
  const items: TransferItem[] = selected.map((e) => ({ label: e.path ? `${rel}/${e.path}` : rel, oid: e.oid, kind: 'file', size: e.size }));
  const rest = await fetchObjects(store, source, items, options.jobs, ctx);
  return {
    ...(await describe(store, selected, isDir)),
    entries: selected,
    downloaded: first.downloaded + rest.downloaded,
    from: [...new Set([...first.from, ...rest.from])],
  };
}

/** The PathInfo of fetched files; for a folder its tree object is written to the store, so it checks out like any other. */
async function describe(store: ObjectStore, entries: TreeEntry[], isDir: boolean): Promise<{ info: PathInfo }> {
  if (!isDir) {
    const e = entries[0];
    return { info: { kind: 'file', oid: e.oid, size: e.size, exec: e.exec } };
  }
  const { oid, bytes } = treeOid(entries);
  await store.putBuffer(bytes);
  return { info: { kind: 'dir', oid, size: entries.reduce((s, e) => s + e.size, 0), files: entries.length } };
}
