import path from 'node:path';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { findPointers } from './findPointers.js';
import { readWorkspaceLockOutputs } from './lockOutputs.js';
import { dataPathFor, readPointer, type Pointer } from './pointer.js';
import { resolveUserPath } from './pathRules.js';

/** A tracked path in the workspace: its pointer file, the data it names (both repo-relative), and the parsed pointer. */
export interface Tracked {
  pointerPath: string;
  dataPath: string;
  abs: string;
  pointer: Pointer;
  /** Set for a pipeline output recorded in cairn.lock (then `pointerPath` is that lock file). */
  output?: { stage: string; push: boolean };
}

/** Reads the given pointer files; a malformed one is an INVALID error naming the file and the field. */
export async function readTracked(repo: Repo, pointerPaths: string[]): Promise<Tracked[]> {
  const out: Tracked[] = [];
  for (const rel of pointerPaths) {
    const pointer = await readPointer(path.join(repo.root, rel));
    const dataPath = dataPathFor(rel);
    out.push({ pointerPath: rel, dataPath, abs: path.join(repo.root, dataPath), pointer });
  }
  return out;
}

/**
 * The tracked paths that user arguments name, all of them when there are none. An argument may be a data path, its
 * pointer file, a folder holding tracked paths, or a file inside a tracked folder (which selects that folder).
 * With `outputs`, the cached pipeline outputs cairn.lock records count as tracked paths too (a pointer file wins
 * over an output of the same path). Every selected pointer is parsed before anything is done, so one bad pointer
 * stops the command before it changes anything.
 */
export async function selectTracked(repo: Repo, cwd: string, args: string[], options: { outputs?: boolean } = {}): Promise<Tracked[]> {
  const pointers = (await findPointers(repo)).map((p) => ({ pointerPath: p, dataPath: dataPathFor(p) }));
  const byPointer = new Set(pointers.map((p) => p.dataPath));
  const outputs = options.outputs ? (await readWorkspaceLockOutputs(repo)).filter((o) => !byPointer.has(o.dataPath)) : [];
  const all = [...pointers, ...outputs];
  let picked: Set<string> | null = null;
  if (args.length) {
    picked = new Set<string>();
    for (const arg of args) {
      const target = resolveUserPath(repo, cwd, arg, { allowPointer: true, allowRoot: true });
      const hits = all.filter((t) => target.rel === '' || t.dataPath === target.rel || t.dataPath.startsWith(`${target.rel}/`) || target.rel.startsWith(`${t.dataPath}/`));
      if (hits.length === 0) {
        throw new CairnError('NOT_FOUND', `${arg} is not tracked by cairn`, {
          hint: `track it with \`cairn add ${arg}\`; \`cairn status\` lists what is tracked`,
        });
      }
      for (const h of hits) picked.add(h.dataPath);
    }
  }
  const chosen = (t: { dataPath: string }) => !picked || picked.has(t.dataPath);
  return [
    ...(await readTracked(repo, pointers.filter(chosen).map((t) => t.pointerPath))),
    ...outputs.filter(chosen).map((o) => ({ ...o, abs: path.join(repo.root, o.dataPath) })),
  ];
}
