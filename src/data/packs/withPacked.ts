import { packSetFor } from './packSet.js';

/** A presence test that asks the pack index when the loose test says no (the pack folder is read once, now). */
export function withPacked(root: string, loose: (oid: string) => boolean): (oid: string) => boolean {
  const packs = packSetFor(root);
  packs.refresh();
  return (oid) => loose(oid) || packs.lookup(oid) !== null;
}
