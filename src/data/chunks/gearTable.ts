import { createHash } from 'node:crypto';

/**
 * The seed of the gear table. Changing it (or the derivation below) moves every chunk boundary, so it is part of the
 * chunk format: a new seed would need a new manifest version.
 */
export const GEAR_SEED = 'cairn-fastcdc-gear-v1';

/** Entry i is the first 4 bytes (big-endian) of SHA-256("cairn-fastcdc-gear-v1:<i>"): random-looking, fixed forever. */
function makeGearTable(): Int32Array {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) table[i] = createHash('sha256').update(`${GEAR_SEED}:${i}`).digest().readInt32BE(0);
  return table;
}

export const GEAR: Int32Array = makeGearTable();
