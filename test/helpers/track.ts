/**
 * Tracks workspace paths the way `cairn add` does (store in the cache, write the pointer), through the library,
 * so remote tests do not depend on the add command's output or options.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { openRepo } from '../../src/core/repo.js';
import { pointerPathFor, writePointer, type Pointer } from '../../src/data/pointer.js';
import { storePath } from '../../src/data/storePath.js';

export async function track(root: string, rels: string[], env: Record<string, string>): Promise<Pointer[]> {
  const repo = await openRepo({ cwd: root, env });
  const out: Pointer[] = [];
  for (const rel of rels) {
    const abs = path.join(root, rel);
    const info = await storePath(repo, abs, {});
    const pointer: Pointer = {
      version: 1, kind: info.kind, path: path.basename(abs), oid: info.oid, size: info.size,
      ...(info.kind === 'dir' ? { files: info.files } : {}), ...(info.exec ? { exec: true } : {}),
    };
    await writePointer(pointerPathFor(abs), pointer);
    // Git keeps the pointer, not the data.
    appendFileSync(path.join(root, '.gitignore'), `/${rel.replace(/\/+$/, '')}\n`);
    out.push(pointer);
  }
  return out;
}
