import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { CairnError, fromSystemError } from '../core/errors.js';
import { mergePointer } from '../data/mergePointer.js';
import { POINTER_SUFFIX } from '../data/pointer.js';
import { LOCK_FILE } from './lockFile.js';
import { mergeLock } from './mergeLock.js';

export interface MergeDriverResult {
  path: string;
  kind: 'lock' | 'pointer';
  /** Stage names (for a lock) or the pointer's path that both sides changed differently. Empty: merged cleanly. */
  conflicts: string[];
}

const read = (file: string) => fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
  if (err.code === 'ENOENT') return '';
  throw fromSystemError(err, `could not read ${file}`);
});

/**
 * What Git runs for `merge=cairn` files (`%O %A %B %P`): merges the base, ours and theirs versions and leaves the
 * result in the file of ours, as Git expects of a merge driver; the caller exits non-zero when there are conflicts.
 */
export async function runMergeDriver(options: { base: string; ours: string; theirs: string; path: string }): Promise<MergeDriverResult> {
  const name = path.posix.basename(options.path.split(path.sep).join('/'));
  const kind = name === LOCK_FILE ? 'lock' : name.endsWith(POINTER_SUFFIX) && name !== POINTER_SUFFIX ? 'pointer' : null;
  if (!kind) {
    throw new CairnError('USAGE', `cairn merge-driver merges cairn.lock and *.cairn pointer files, not ${options.path}`, {
      hint: 'set `merge=cairn` only for those in .gitattributes (`cairn install --merge-driver` writes the right lines)',
    });
  }
  const texts = { base: await read(options.base), ours: await read(options.ours), theirs: await read(options.theirs) };
  let text: string;
  let conflicts: string[];
  if (kind === 'lock') {
    ({ text, conflicts } = mergeLock(texts, options.path));
  } else {
    const r = mergePointer(texts, options.path);
    text = r.text;
    conflicts = r.conflict ? [options.path] : [];
  }
  await writeFileAtomic(options.ours, text, { fsync: false });
  return { path: options.path, kind, conflicts };
}
