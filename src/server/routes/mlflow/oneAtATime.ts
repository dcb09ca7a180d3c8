const turns = new Map<string, Promise<void>>();

/**
 * Runs `fn` after every earlier call for the same key has settled, within this process: for the read-modify-write of
 * one value (a run's model history tag) that the stores offer no single write for.
 */
export async function oneAtATime(key: string, fn: () => Promise<void>): Promise<void> {
  const before = turns.get(key) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const settled = mine.catch(() => {});
  turns.set(key, settled);
  try {
    await mine;
  } finally {
    if (turns.get(key) === settled) turns.delete(key);
  }
}
