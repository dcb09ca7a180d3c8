import { packSetFor } from './packSet.js';

/**
 * A presence test over loose files and packs (the pack folder is read once, now). The in-memory pack index is asked
 * first: for presence the order does not matter, and in a layout 2 cache it saves a failing stat per small object.
 */
export function withPacked(root: string, loose: (oid: string) => boolean): (oid: string) => boolean {
  const packs = packSetFor(root);
  packs.refresh();
  return (oid) => packs.lookup(oid) !== null || loose(oid);
}
