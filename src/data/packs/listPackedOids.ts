import { indexEntryAt } from './packFormat.js';
import { packSetFor } from './packSet.js';

/** Every distinct oid in the packs of the store at `root` (an object packed twice is listed once). */
export function* listPackedOids(root: string): Generator<string> {
  const set = packSetFor(root);
  set.refresh();
  const seen = new Set<string>();
  for (const index of set.all()) {
    for (let i = 0; i < index.count; i++) {
      const { oid } = indexEntryAt(index, i);
      if (!seen.has(oid)) {
        seen.add(oid);
        yield oid;
      }
    }
  }
}
