import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { isOid } from '../core/hash.js';
import type { Repo } from '../core/repo.js';
import { listScopeCommits } from '../git/git.js';
import { pointerRefs, referencedOids, type ObjectRef, type TreeCache, type UnreadableTree } from './expandPointers.js';
import { parseLockOutputs, readWorkspaceLockTexts } from './lockOutputs.js';
import { ObjectStore } from './objectStore.js';
import { LOCK_FILE_NAME, scanCommits, type TrackedPointer } from './pointersAtRev.js';
import { readWorkspacePointers } from './workspacePointers.js';

/** Which history a gc keeps: the workspace is always kept; each flag adds commits. */
export interface GcScope {
  workspace?: boolean;
  allBranches?: boolean;
  allTags?: boolean;
  allCommits?: boolean;
}

export interface GcReferences {
  oids: Set<string>;
  /** How many commits were read (HEAD is always among them in a Git repo). */
  commits: number;
  /** Referenced directories whose tree object is missing or damaged: their files could not be listed. */
  unreadable: UnreadableTree[];
  /** Files that could not be read for references (malformed historic pointers, lock files that are not YAML). */
  invalid: { where: string; message: string }[];
}

/** An object named in a lock file or run-cache entry; `dir` when it is a directory tree (the entry has `files`). */
export type NamedOid = Omit<ObjectRef, 'path'>;

/**
 * Every `oid` under `outs` of every stage of a cairn.lock (YAML), read by the same parser that makes outputs tracked
 * paths. A malformed entry still keeps any oid it names: gc must never lose data over a damaged lock. Pure; throws
 * on text that is not YAML.
 */
export function oidsInLockFile(text: string): NamedOid[] {
  const { outputs, problems } = parseLockOutputs(text, LOCK_FILE_NAME);
  return [...outputs.map((o) => ({ oid: o.oid, dir: o.kind === 'dir' })), ...problems.flatMap((p) => collectOidFields(p.raw))];
}

/** Every 64-hex value of a field named `oid`, at any depth (a sibling numeric `files` marks a directory). Pure. */
export function collectOidFields(value: unknown, found: NamedOid[] = []): NamedOid[] {
  if (Array.isArray(value)) for (const v of value) collectOidFields(v, found);
  else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(obj)) {
      if (key === 'oid' && isOid(v)) found.push({ oid: v, dir: typeof obj.files === 'number' });
      else collectOidFields(v, found);
    }
  }
  return found;
}

async function listJsonFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listJsonFiles(full)));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(full);
  }
  return out;
}

/** Objects named by run-cache entries (`<cache>/runs/**` JSON): restoring an earlier stage run needs them. */
async function runCacheOids(cacheDir: string, invalid: GcReferences['invalid']): Promise<NamedOid[]> {
  const found: NamedOid[] = [];
  for (const file of await listJsonFiles(path.join(cacheDir, 'runs'))) {
    try {
      collectOidFields(JSON.parse(await fs.readFile(file, 'utf8')), found);
    } catch (err) {
      invalid.push({ where: file, message: `not readable JSON: ${(err as Error).message}` });
    }
  }
  return found;
}

/**
 * Collects every object a gc within `scope` must keep: workspace pointers, pointers and cairn.lock outputs at every
 * commit in scope (HEAD always), the blobs of their trees, and run-cache entries.
 */
export async function collectReferences(repo: Repo, scope: GcScope, ctx: RunContext): Promise<GcReferences> {
  const store = new ObjectStore(repo.cacheDir);
  const trees: TreeCache = new Map();
  const invalid: GcReferences['invalid'] = [];
  const pointers: TrackedPointer[] = await readWorkspacePointers(repo);
  // Every workspace cairn.lock (beside each pipeline file), committed or not.
  const lockTexts: { where: string; text: string }[] = (await readWorkspaceLockTexts(repo))
    .map(({ lock, text }) => ({ where: path.join(repo.root, lock), text }));
  let commits: string[] = [];
  if (repo.git) {
    commits = await listScopeCommits(repo.root, scope);
    ctx.onProgress?.({ phase: 'reading history', done: 0, total: commits.length });
    const scan = await scanCommits(repo, commits);
    ctx.onProgress?.({ phase: 'reading history', done: commits.length, total: commits.length });
    pointers.push(...scan.pointers);
    lockTexts.push(...scan.lockFiles);
    invalid.push(...scan.invalid);
  }
  const named: ObjectRef[] = [];
  for (const { where, text } of lockTexts) {
    try {
      named.push(...oidsInLockFile(text).map((n) => ({ ...n, path: `${where} output` })));
    } catch (err) {
      invalid.push({ where, message: (err as Error).message.split('\n')[0] });
    }
  }
  named.push(...(await runCacheOids(repo.cacheDir, invalid)).map((n) => ({ ...n, path: 'run cache output' })));
  // Pipeline outputs may be directories: the files inside their trees are kept too.
  const refs = await referencedOids(store, [...pointerRefs(pointers), ...named], trees);
  const oids = refs.oids;
  const unreadable = dedupeUnreadable(refs.unreadable);
  return { oids, commits: commits.length, unreadable, invalid };
}

function dedupeUnreadable(list: UnreadableTree[]): UnreadableTree[] {
  const seen = new Map<string, UnreadableTree>();
  for (const u of list) if (!seen.has(`${u.oid} ${u.path}`)) seen.set(`${u.oid} ${u.path}`, u);
  return [...seen.values()];
}
