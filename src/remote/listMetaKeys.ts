/** One entry of a listed folder below a remote's `meta/`. */
export interface MetaEntry {
  name: string;
  dir: boolean;
}

/**
 * Every metadata key that starts with `prefix`, sorted, for backends that list folder by folder. `readDir` lists a
 * folder relative to `meta/` ('' is `meta/` itself) and gives [] when it does not exist. The walk enters only folders
 * that can hold matching keys and skips the temp files of writes in progress (`.tmp-*`).
 */
export async function listMetaKeys(prefix: string, readDir: (dir: string) => Promise<MetaEntry[]>): Promise<string[]> {
  const keys: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readDir(dir)) {
      if (entry.name.startsWith('.tmp-')) continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.dir) {
        if (rel.startsWith(prefix) || prefix.startsWith(`${rel}/`)) await walk(rel);
      } else if (rel.startsWith(prefix)) {
        keys.push(rel);
      }
    }
  };
  await walk('');
  return keys.sort();
}
