import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';

/** The `.gitignore` line that ignores exactly `name` in its own folder (with glob characters escaped). Pure. */
export function ignoreEntry(name: string): string {
  return '/' + name.replace(/([\\*?[\]!#])/g, '\\$1').replace(/^(\s)/, '\\$1');
}

async function readLines(file: string): Promise<string[] | null> {
  try {
    return (await fs.readFile(file, 'utf8')).split(/\r?\n/);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Ensures `<dir of abs>/.gitignore` ignores `abs` (creating the file if needed); returns the file when it changed. */
export async function addToGitignore(absPath: string, options: { fsync?: boolean } = {}): Promise<string | null> {
  const file = path.join(path.dirname(absPath), '.gitignore');
  const entry = ignoreEntry(path.basename(absPath));
  const lines = await readLines(file);
  if (lines?.some((l) => l.trim() === entry)) return null;
  const text = lines ? lines.join('\n') : '';
  await writeFileAtomic(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${entry}\n`, { fsync: options.fsync });
  return file;
}

/** Removes the entry `addToGitignore` wrote for `abs` (deleting a `.gitignore` left empty); returns the file when it changed. */
export async function removeFromGitignore(absPath: string): Promise<string | null> {
  const file = path.join(path.dirname(absPath), '.gitignore');
  const entry = ignoreEntry(path.basename(absPath));
  const lines = await readLines(file);
  if (!lines || !lines.some((l) => l.trim() === entry)) return null;
  const kept = lines.filter((l) => l.trim() !== entry);
  if (kept.every((l) => l.trim() === '')) await fs.rm(file, { force: true });
  else await writeFileAtomic(file, kept.join('\n'));
  return file;
}
