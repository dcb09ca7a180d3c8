import { createHash } from 'node:crypto';
import { startModuleWorker } from '../../core/startModuleWorker.js';

/**
 * The SHA-256 of bytes produced in blocks: the caller fills `block()`, hands it over with `add(n)` (and may go on
 * reading the block, e.g. to write it out, until its next `block()` call), and gets the hex digest from `hex()`.
 */
export interface BlockDigest {
  block(): Buffer;
  add(n: number): void;
  hex(): string;
  /** Stops any helper thread (after `hex()`, or when the caller gives up midway). */
  close(): void;
}

/** Hashing on the calling thread: one buffer, hashed as each block is added. */
export function inlineDigest(blockSize: number): BlockDigest {
  const buf = Buffer.allocUnsafe(blockSize);
  const hash = createHash('sha256');
  return { block: () => buf, add: (n) => void hash.update(buf.subarray(0, n)), hex: () => hash.digest('hex'), close() {} };
}

/** Layout of the control words shared with digestWorker. */
export const SUBMITTED = 0;
export const HASHED = 1;
export const LENGTHS = 2;

export interface RingData {
  ctrl: SharedArrayBuffer;
  data: SharedArrayBuffer;
  digest: SharedArrayBuffer;
  slots: number;
  slotSize: number;
}

/** Three blocks in flight: one being filled and written here while the worker hashes another, one spare. */
const SLOTS = 3;
/** A worker that makes no progress this long has died (its code cannot fail otherwise): fail instead of hanging. */
const STALL_MS = 60_000;

/**
 * Hashing on a worker thread while the caller reads and writes: a ring of blocks in shared memory, handed over with
 * two counters (blocks submitted, blocks hashed) and Atomics.wait/notify, so the caller stays synchronous. On two
 * cores this takes the SHA-256 pass off the path of a checkout's read and write.
 */
export function workerDigest(blockSize: number): BlockDigest {
  const ring: RingData = {
    ctrl: new SharedArrayBuffer(4 * (LENGTHS + SLOTS)),
    data: new SharedArrayBuffer(SLOTS * blockSize),
    digest: new SharedArrayBuffer(32),
    slots: SLOTS,
    slotSize: blockSize,
  };
  const ctrl = new Int32Array(ring.ctrl);
  const data = Buffer.from(ring.data);
  const worker = startModuleWorker(import.meta.url, 'digestWorker', { workerData: ring });
  worker.unref();
  let submitted = 0;
  let finished = false;
  // Waits until fewer than `ahead` submitted blocks are still unhashed.
  const waitHashed = (ahead: number) => {
    let hashed: number;
    while (submitted - (hashed = Atomics.load(ctrl, HASHED)) >= ahead) {
      if (Atomics.wait(ctrl, HASHED, hashed, STALL_MS) === 'timed-out' && Atomics.load(ctrl, HASHED) === hashed) {
        throw new Error('the hashing thread of a chunked read stopped answering');
      }
    }
  };
  const submit = (n: number) => {
    ctrl[LENGTHS + (submitted % SLOTS)] = n;
    Atomics.store(ctrl, SUBMITTED, ++submitted);
    Atomics.notify(ctrl, SUBMITTED);
  };
  return {
    block() {
      waitHashed(SLOTS);
      const at = (submitted % SLOTS) * blockSize;
      return data.subarray(at, at + blockSize);
    },
    add: submit,
    hex() {
      waitHashed(SLOTS);
      submit(0);
      waitHashed(1);
      finished = true;
      return Buffer.from(ring.digest).toString('hex');
    },
    close() {
      if (!finished) void worker.terminate();
    },
  };
}
