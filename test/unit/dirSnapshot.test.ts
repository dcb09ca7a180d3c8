import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listingFingerprint } from '../../src/data/dirSnapshot.js';

const listing = (n: number, mtime = 1700000000000000000n) => Array.from({ length: n }, (_, i) => ({
  rel: `d/f${i}`, abs: `/x/d/f${i}`, stat: { ino: 10 + i, size: i * 3, mtimeNs: String(mtime + BigInt(i)) }, exec: i % 5 === 0, readOnly: i % 7 === 0,
}));

describe('folder snapshots: listing fingerprints', () => {
  it('keeps the digest that state indexes on disk already hold (hashed in chunks of lines, the same bytes)', () => {
    // Computed by the one-update-per-file version: a changed digest would make every recorded snapshot miss once.
    assert.equal(listingFingerprint(listing(2500)), 'fb4c65562e0b3108ccf9dc2b3824117d843c9887efa26f25b371ca1dce59b544');
    assert.notEqual(listingFingerprint(listing(2499)), listingFingerprint(listing(2500)));
  });

  it('gives no fingerprint when a file was modified within the racy window', () => {
    const files = listing(1500);
    files[1200].stat.mtimeNs = String(BigInt(Date.now()) * 1_000_000n);
    assert.equal(listingFingerprint(files), null);
  });
});
