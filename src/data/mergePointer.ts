import { conflictBlock, threeWay } from '../core/threeWay.js';
import { parsePointer, serializePointer, type Pointer } from './pointer.js';

/**
 * Merges three versions of a pointer file as one value: a change on one side wins, the same change on both is kept,
 * two different versions of the data conflict (both pointers left between Git's markers). `file` is the pointer's
 * path in the repository (the merge's temp files have other names). Empty text is an absent pointer. Pure.
 */
export function mergePointer(texts: { base: string; ours: string; theirs: string }, file: string): { text: string; conflict: boolean } {
  const parse = (t: string) => (t.trim() === '' ? undefined : parsePointer(t, file));
  const [base, ours, theirs] = [parse(texts.base), parse(texts.ours), parse(texts.theirs)];
  const text = (p: Pointer | undefined) => (p ? serializePointer(p) : '');
  const r = threeWay(base, ours, theirs, (a, b) => text(a) === text(b));
  if (r.resolved) return { text: text(r.value), conflict: false };
  return { text: conflictBlock(text(ours), text(theirs), file), conflict: true };
}
