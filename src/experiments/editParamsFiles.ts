import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PARAMS_FILE } from '../pipeline/params.js';
import { applyParamChanges } from './applyParamChanges.js';
import type { ParamChange } from './overrides.js';

/**
 * The new text of every params file the -S changes touch (the default file is params.yaml, as in DVC), by absolute
 * path, computed in memory: a bad key in the second file fails before the first is written anywhere.
 */
export async function editParamsFiles(root: string, changes: ParamChange[]): Promise<Map<string, string>> {
  const byFile = new Map<string, ParamChange[]>();
  for (const c of changes) {
    const file = c.file ?? DEFAULT_PARAMS_FILE;
    byFile.set(file, [...(byFile.get(file) ?? []), c]);
  }
  const out = new Map<string, string>();
  for (const [file, list] of byFile) {
    const abs = path.join(root, file);
    const text = await fs.readFile(abs, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
    out.set(abs, applyParamChanges(text, file, list));
  }
  return out;
}
