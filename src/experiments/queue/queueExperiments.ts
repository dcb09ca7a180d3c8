import path from 'node:path';
import { CairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { gitRoot, headCommit } from '../../git/git.js';
import { commitSnapshot, createRef, listRefs } from '../../git/refs.js';
import { editParamsFiles } from '../editParamsFiles.js';
import { checkExpName, generateExpName } from '../expNames.js';
import { listExperiments } from '../listExperiments.js';
import type { ParamChange } from '../overrides.js';
import { formatQueueMessage, parseQueueEntry, QUEUE_REF_PREFIX, type QueueEntry } from './queueEntry.js';

export interface QueuedRef extends QueueEntry {
  ref: string;
  commit: string;
}

/** Every queued experiment, oldest first (the order `queue start` takes them). */
export async function listQueued(repo: Repo): Promise<QueuedRef[]> {
  const refs = await listRefs(repo.root, QUEUE_REF_PREFIX);
  return refs.flatMap((r) => {
    const e = parseQueueEntry(r.body);
    return e ? [{ ...e, ref: r.ref, commit: r.commit }] : [];
  }).sort((a, b) => a.queued - b.queued || a.name.localeCompare(b.name));
}

/** The params files of the workspace with a combination's -S changes applied, keyed by Git path. */
async function editedParams(repo: Repo, top: string, changes: ParamChange[]): Promise<Map<string, Buffer>> {
  const edits = await editParamsFiles(repo.root, changes);
  return new Map([...edits].map(([abs, text]) => [path.relative(top, abs).split(path.sep).join('/'), Buffer.from(text)]));
}

/**
 * Queues one experiment per combination: each becomes a commit of the workspace as it is now plus its -S edits.
 * Every combination is checked (names, keys) before any is queued, so a bad -S queues nothing.
 */
export async function queueExperiments(repo: Repo, options: { grid: ParamChange[][]; targets: string[]; name?: string }): Promise<QueuedRef[]> {
  const baseline = await headCommit(repo.root);
  if (!baseline) throw new CairnError('NOT_FOUND', 'experiments start from a commit, and this repository has none yet', { hint: 'commit your code first (git add, git commit)' });
  const top = await gitRoot(repo.root);
  const taken = new Set([...(await listExperiments(repo)).map((e) => e.name), ...(await listQueued(repo)).map((q) => q.name)]);
  const base = options.name === undefined ? undefined : checkExpName(options.name);
  const planned = [];
  for (let i = 0; i < options.grid.length; i++) {
    const name = base === undefined ? generateExpName(taken) : options.grid.length > 1 ? `${base}-${i + 1}` : base;
    if (taken.has(name)) {
      throw new CairnError('CONFLICT', `an experiment named "${name}" exists already (or is queued)`, {
        hint: `choose another name with -n, or remove the old one with \`cairn exp remove ${name}\` / \`cairn queue remove ${name}\``,
        data: { name },
      });
    }
    taken.add(name);
    planned.push({ name, changes: options.grid[i], files: await editedParams(repo, top, options.grid[i]) });
  }
  const queued: QueuedRef[] = [];
  for (const p of planned) {
    const entry: QueueEntry = { version: 1, name: p.name, baseline, changes: p.changes, targets: options.targets, queued: Date.now() };
    const commit = await commitSnapshot(top, { parent: baseline, message: formatQueueMessage(entry), files: p.files });
    const ref = `${QUEUE_REF_PREFIX}${p.name}`;
    if (!(await createRef(repo.root, ref, commit))) throw new CairnError('CONFLICT', `"${p.name}" was queued by another process meanwhile`, { hint: 'queue it again with another name (-n)' });
    queued.push({ ...entry, ref, commit });
  }
  return queued;
}
