/** The outcome of merging one value changed on two sides since their common base. */
export type ThreeWay<T> = { resolved: true; value: T | undefined } | { resolved: false };

/**
 * The three-way rule for one value (undefined: absent on that side): equal sides agree; a side equal to the base
 * did not change, so the other side's change (or deletion) wins; two different changes conflict. Pure.
 */
export function threeWay<T>(base: T | undefined, ours: T | undefined, theirs: T | undefined, same: (a: T | undefined, b: T | undefined) => boolean): ThreeWay<T> {
  if (same(ours, theirs)) return { resolved: true, value: ours };
  if (same(base, ours)) return { resolved: true, value: theirs };
  if (same(base, theirs)) return { resolved: true, value: ours };
  return { resolved: false };
}

/** Git's conflict markers around two versions of a text (each ending in a newline), labelled as git labels them. */
export function conflictBlock(ours: string, theirs: string, label: string): string {
  return `<<<<<<< ours (${label})\n${ours}=======\n${theirs}>>>>>>> theirs (${label})\n`;
}
