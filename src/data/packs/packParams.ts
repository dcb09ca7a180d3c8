import type { StoreParams } from '../fileOps.js';
import { PACK_THRESHOLD, readLayout } from './cacheLayout.js';

/** The part of the store parameters that turns packing on: only for a cache whose marker says layout 2. */
export function packParams(cacheDir: string): Pick<StoreParams, 'packBelow'> {
  return readLayout(cacheDir) === 2 ? { packBelow: PACK_THRESHOLD } : {};
}
