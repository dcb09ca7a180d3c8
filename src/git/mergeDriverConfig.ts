import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { shellQuote } from './shellQuote.js';
import { git, gitRoot } from './git.js';

/** The `merge=cairn` driver: its entry in the repository's Git config and the .gitattributes lines that select it. */

const BEGIN = '# >>> cairn merge driver (`cairn install --merge-driver`; `cairn uninstall` removes this block)';
const END = '# <<< cairn merge driver';
/** cairn.lock at any depth, and pointer files (a pattern without a slash matches in every folder). */
const ATTRIBUTES = ['cairn.lock merge=cairn', '*.cairn merge=cairn'];

/** .gitattributes text with cairn's block added (or replaced), other lines untouched. Pure. */
export function withAttributes(text: string): string {
  const kept = withoutAttributes(text);
  const sep = kept === '' || kept.endsWith('\n') ? '' : '\n';
  return `${kept}${sep}${[BEGIN, ...ATTRIBUTES, END].join('\n')}\n`;
}

/** .gitattributes text without cairn's block. Pure. */
export function withoutAttributes(text: string): string {
  const start = text.indexOf(BEGIN);
  if (start < 0) return text;
  const end = text.indexOf(END, start);
  const after = end < 0 ? text.length : end + END.length + (text[end + END.length] === '\n' ? 1 : 0);
  return text.slice(0, start) + text.slice(after);
}

/** Sets merge.cairn.* in the repository's Git config and adds the attributes; returns the .gitattributes file written. */
export async function installMergeDriver(cwd: string, cairnCommand: string[]): Promise<{ attributes: string; driver: string }> {
  const top = await gitRoot(cwd);
  const driver = `${cairnCommand.map(shellQuote).join(' ')} merge-driver %O %A %B %P`;
  await git(top, ['config', 'merge.cairn.name', 'cairn: merges cairn.lock stage by stage and pointer files']);
  await git(top, ['config', 'merge.cairn.driver', driver]);
  const file = path.join(top, '.gitattributes');
  const text = existsSync(file) ? await fs.readFile(file, 'utf8') : '';
  const next = withAttributes(text);
  if (next !== text) await writeFileAtomic(file, next, { fsync: false });
  return { attributes: file, driver };
}

/** Removes the merge.cairn section and cairn's .gitattributes block (the file goes when nothing else is left in it). */
export async function uninstallMergeDriver(cwd: string): Promise<{ removed: boolean }> {
  const top = await gitRoot(cwd);
  const section = await git(top, ['config', '--remove-section', 'merge.cairn'], { allowFail: true });
  const file = path.join(top, '.gitattributes');
  let removed = section.code === 0;
  if (existsSync(file)) {
    const text = await fs.readFile(file, 'utf8');
    const next = withoutAttributes(text);
    if (next !== text) {
      removed = true;
      if (next.trim() === '') await fs.rm(file);
      else await writeFileAtomic(file, next, { fsync: false });
    }
  }
  return { removed };
}
