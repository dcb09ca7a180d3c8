import { createHash } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import { HASHED, LENGTHS, SUBMITTED, type RingData } from './blockDigest.js';

/**
 * The other half of blockDigest's ring: hashes each block the main thread submits, in order, marks it hashed (so the
 * slot can be refilled) and, at the end marker (a block of 0 bytes), writes the digest into shared memory.
 */
const { ctrl: ctrlBuffer, data, digest, slots, slotSize } = workerData as RingData;
const ctrl = new Int32Array(ctrlBuffer);
const bytes = Buffer.from(data);
const hash = createHash('sha256');
for (let done = 0; ; ) {
  while (Atomics.load(ctrl, SUBMITTED) === done) Atomics.wait(ctrl, SUBMITTED, done);
  const slot = done % slots;
  const n = ctrl[LENGTHS + slot];
  if (n === 0) hash.digest().copy(Buffer.from(digest));
  else hash.update(bytes.subarray(slot * slotSize, slot * slotSize + n));
  Atomics.store(ctrl, HASHED, ++done);
  Atomics.notify(ctrl, HASHED);
  if (n === 0) break;
}
