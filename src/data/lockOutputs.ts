import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CairnError, fromSystemError } from '../core/errors.js';
import { isOid } from '../core/hash.js';
import type { Repo } from '../core/repo.js';
import { POINTER_VERSION } from './pointer.js';
import { LOCK_FILE_NAME, type HistoryScan, type TrackedPointer } from './pointersAtRev.js';
import { findPipelineFiles, lockPathOf, pipelineFileOfLock, stageAddress } from './findPipelineFiles.js';
import { isSafeRelPath } from './tree.js';

/**
 * A pipeline output as `cairn.lock` records it. The data layer reads only the `outs` of each stage (the pipeline's
 * own parser checks the whole file): enough to move, check out and keep those outputs like tracked paths.
 */
export interface LockOutput {
  /** The stage's address (`train`, or `sub/cairn.yaml:train` for a lock beside sub/cairn.yaml). */
  stage: string;
  /** The lock file that records it, repo-relative. */
  lock?: string;
  /** Repo-relative, `/`-separated. */
  path: string;
  oid: string;
  kind: 'file' | 'dir';
  size: number;
  files?: number;
  exec?: boolean;
  /** false: hashed only, never stored in the cache (so never moved or checked out). */
  cache: boolean;
  /** false: `push: false` in cairn.yaml; the output stays off remotes. */
  push: boolean;
}

/** An `outs` entry that could not be read; `raw` is kept so that gc can still keep any oid it names. */
export interface LockOutputProblem {
  where: string;
  message: string;
  raw: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readOut(stage: string, raw: unknown): LockOutput | string {
  if (!isRecord(raw)) return 'is not a mapping with path, oid and size';
  const { path: p, oid, size, files } = raw;
  if (typeof p !== 'string' || !isSafeRelPath(p)) return `path ${JSON.stringify(p)} is not a relative path inside the repository`;
  if (!isOid(oid)) return 'oid is not 64 lowercase hex digits';
  if (!Number.isSafeInteger(size) || (size as number) < 0) return 'size is not a whole number of bytes';
  if (files !== undefined && (!Number.isSafeInteger(files) || (files as number) < 0)) return 'files is not a whole number';
  return {
    stage, path: p, oid, kind: files === undefined ? 'file' : 'dir', size: size as number,
    ...(files !== undefined ? { files: files as number } : {}),
    ...(raw.exec === true ? { exec: true } : {}),
    cache: raw.cache !== false, push: raw.push !== false,
  };
}

/**
 * Every output of every stage in cairn.lock text, in file order. Pure. Text that is not YAML is an INVALID error
 * naming `where`; a single malformed entry is a problem, not fatal, so one bad entry never hides the others.
 */
export function parseLockOutputs(text: string, where: string, lockPath = LOCK_FILE_NAME): { outputs: LockOutput[]; problems: LockOutputProblem[] } {
  const pipelineFile = pipelineFileOfLock(lockPath);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new CairnError('INVALID', `malformed lock file ${where}: not valid YAML (${(err as Error).message.split('\n')[0]})`, {
      hint: `restore it with \`git checkout -- ${LOCK_FILE_NAME}\`, or run \`cairn repro\` to write it again`,
    });
  }
  const outputs: LockOutput[] = [];
  const problems: LockOutputProblem[] = [];
  const stages = isRecord(doc) ? doc.stages : undefined;
  if (!isRecord(stages)) return { outputs, problems };
  for (const [stage, entry] of Object.entries(stages)) {
    const outs = isRecord(entry) ? entry.outs : undefined;
    if (outs === undefined || outs === null) continue;
    if (!Array.isArray(outs)) {
      problems.push({ where: `${where}: stages.${stage}.outs`, message: 'is not a list', raw: outs });
      continue;
    }
    outs.forEach((raw, i) => {
      const out = readOut(stageAddress(pipelineFile, stage), raw);
      if (typeof out === 'string') problems.push({ where: `${where}: stages.${stage}.outs[${i}]`, message: out, raw });
      else outputs.push(lockPath === LOCK_FILE_NAME ? out : { ...out, lock: lockPath });
    });
  }
  return { outputs, problems };
}

/** A cached output as a tracked path; `pointerPath` is the lock file that records it. Pure. */
export function outputAsTracked(out: LockOutput): TrackedPointer {
  return {
    pointerPath: out.lock ?? LOCK_FILE_NAME,
    dataPath: out.path,
    pointer: {
      version: POINTER_VERSION, kind: out.kind, path: path.posix.basename(out.path), oid: out.oid, size: out.size,
      ...(out.files !== undefined ? { files: out.files } : {}), ...(out.exec ? { exec: true } : {}),
    },
    output: { stage: out.stage, push: out.push },
  };
}

/** The text of the cairn.lock beside every pipeline file of the workspace (those that exist), root first. */
export async function readWorkspaceLockTexts(repo: Repo): Promise<{ lock: string; text: string }[]> {
  const locks = (await findPipelineFiles(repo)).map(lockPathOf);
  // A lock without its pipeline file (cairn.yaml deleted, lock kept) still records outputs in the cache.
  if (!locks.includes(LOCK_FILE_NAME)) locks.unshift(LOCK_FILE_NAME);
  const texts = await Promise.all(locks.map(async (lock) => {
    try {
      return await fs.readFile(path.join(repo.root, lock), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fromSystemError(err, `could not read ${lock}`);
    }
  }));
  return locks.flatMap((lock, i) => (texts[i] === null ? [] : [{ lock, text: texts[i]! }]));
}

/**
 * The cached outputs the workspace's lock files record (`cairn.lock` beside every pipeline file), as tracked paths
 * (none without a lock). A malformed lock is an INVALID error: push, pull and checkout must not silently skip data
 * the pipeline produced.
 */
export async function readWorkspaceLockOutputs(repo: Repo): Promise<TrackedPointer[]> {
  const tracked: TrackedPointer[] = [];
  for (const { lock, text } of await readWorkspaceLockTexts(repo)) {
    const { outputs, problems } = parseLockOutputs(text, lock, lock);
    if (problems.length) {
      throw new CairnError('INVALID', `malformed lock file ${problems[0].where}: ${problems[0].message}`, {
        hint: `restore it with \`git checkout -- ${lock}\`, or run \`cairn repro\` to write it again`,
        data: { problems: problems.map(({ where, message }) => ({ where, message })) },
      });
    }
    tracked.push(...outputs.filter((o) => o.cache).map(outputAsTracked));
  }
  return tracked;
}

/**
 * The cached outputs recorded by the `cairn.lock` files of scanned commits (distinct by path and oid). Malformed
 * historic entries are skipped, as malformed historic pointers are: old mistakes must not block today's transfers.
 */
export function lockOutputsInScan(scan: HistoryScan): TrackedPointer[] {
  const seen = new Set<string>();
  const out: TrackedPointer[] = [];
  for (const lock of scan.lockFiles) {
    let outputs: LockOutput[];
    try {
      outputs = parseLockOutputs(lock.text, lock.where, lock.path).outputs;
    } catch {
      continue;
    }
    for (const o of outputs) {
      if (!o.cache || seen.has(`${o.oid} ${o.path}`)) continue;
      seen.add(`${o.oid} ${o.path}`);
      out.push(outputAsTracked(o));
    }
  }
  return out;
}
