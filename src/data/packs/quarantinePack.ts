import { promises as fs } from 'node:fs';
import path from 'node:path';
import { packFile } from './packPaths.js';
import { packSetFor } from './packSet.js';

/**
 * Moves a damaged pack and its index to `quarantine/` (index first, so no index names a pack that is gone); a later
 * pull fetches good copies of its objects. Returns what moved where.
 */
export async function quarantinePack(root: string, name: string): Promise<Array<{ file: string; to: string }>> {
  const dir = path.join(root, 'quarantine');
  await fs.mkdir(dir, { recursive: true });
  const moved: Array<{ file: string; to: string }> = [];
  for (const kind of ['idx', 'pack'] as const) {
    const to = path.join(dir, `${name}.${kind}.${Date.now()}`);
    try {
      await fs.rename(packFile(root, name, kind), to);
      moved.push({ file: `packs/${name}.${kind}`, to });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  packSetFor(root).refresh();
  return moved;
}
