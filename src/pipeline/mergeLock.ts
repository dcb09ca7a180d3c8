import { conflictBlock, threeWay } from '../core/threeWay.js';
import { emptyLock, parseLock, serializeLock, sortKeysDeep, type LockEntry, type LockFile } from './lockFile.js';

/** The result of merging three versions of a cairn.lock: its text, and the stages both sides changed differently. */
export interface LockMerge {
  text: string;
  conflicts: string[];
}

const canonical = (e: LockEntry | undefined) => (e === undefined ? '' : JSON.stringify(sortKeysDeep(e)));
const same = (a: LockEntry | undefined, b: LockEntry | undefined) => canonical(a) === canonical(b);
const parse = (text: string, file: string): LockFile => (text.trim() === '' ? emptyLock() : parseLock(text, file));

/** One stage's lines under `stages:`, as cairn.lock writes them (empty for an absent stage). */
function stageText(name: string, entry: LockEntry | undefined): string {
  if (!entry) return '';
  return serializeLock({ ...emptyLock(), stages: { [name]: entry } }).split('\n').slice(2).join('\n');
}

/**
 * Merges cairn.lock stage by stage: a stage only one side changed (or added, or removed) takes that side; a stage
 * both changed the same way is kept once; a stage both changed differently is left between Git's conflict markers,
 * so `git status` shows the file as conflicted and the person resolving it sees both entries. Empty text (no base,
 * the file added on both sides) is an empty lock. A side that does not parse is the INVALID error it is. Pure.
 */
export function mergeLock(texts: { base: string; ours: string; theirs: string }, file = 'cairn.lock'): LockMerge {
  const [base, ours, theirs] = [parse(texts.base, file), parse(texts.ours, file), parse(texts.theirs, file)];
  const names = [...new Set([...Object.keys(base.stages), ...Object.keys(ours.stages), ...Object.keys(theirs.stages)])];
  const merged: Record<string, LockEntry> = {};
  const conflicts: string[] = [];
  for (const name of names) {
    const r = threeWay(base.stages[name], ours.stages[name], theirs.stages[name], same);
    if (!r.resolved) conflicts.push(name);
    else if (r.value) merged[name] = r.value;
  }
  const clean = serializeLock({ ...emptyLock(), stages: merged });
  if (conflicts.length === 0) return { text: clean, conflicts };
  // Conflicting stages go in their sorted places, so the file reads like the lock it will become once resolved.
  const all = [...Object.keys(merged), ...conflicts].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const body = all.map((n) => (conflicts.includes(n) ? conflictBlock(stageText(n, ours.stages[n]), stageText(n, theirs.stages[n]), `stage ${n}`) : stageText(n, merged[n])));
  return { text: `${clean.split('\n')[0]}\nstages:\n${body.join('')}`, conflicts: conflicts.sort() };
}
