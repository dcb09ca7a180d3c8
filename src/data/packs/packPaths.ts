import path from 'node:path';

/** The folder of packs below a cache or remote root, beside `objects/`. */
export const PACKS_DIR = 'packs';

/** Relative path of a pack file or its index: `packs/<64 hex>.pack` / `.idx`. Pure. */
export function packRelPath(name: string, kind: 'pack' | 'idx'): string {
  return `${PACKS_DIR}/${name}.${kind}`;
}

export function packFile(root: string, name: string, kind: 'pack' | 'idx'): string {
  return path.join(root, PACKS_DIR, `${name}.${kind}`);
}

/** The pack name from a file name in `packs/`, or null for anything else (temp files, foreign files). */
export function packNameOf(fileName: string, kind: 'pack' | 'idx'): string | null {
  const m = new RegExp(`^([0-9a-f]{64})\\.${kind}$`).exec(fileName);
  return m ? m[1] : null;
}
