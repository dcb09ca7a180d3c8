#!/usr/bin/env node
// Chunk-parameter simulation for issue 12 (run by hand; not part of `bench/run.mjs`):
//   npm run -s build && node bench/chunkParamsSim.mjs [--mib 256] [--edits 360] [--seed 2026] [--grid default|all]
//     [--params 128,768,4096,1;256,1024,4096,3]   (explicit sets instead of a grid: min KiB, avg KiB, max KiB, level)
// It cuts a pseudo-random buffer with the REAL cutPoint of dist/data/chunks/fastcdc.js for each parameter set, then
// overwrites runs of 1,073,741 bytes at random offsets — the edits of bench/storageBench.mjs (1% of a GiB in 10 runs
// per version) — one at a time, re-cuts from the last boundary before the run until a new cut lands on an old one
// past it (from there on the cuts are the same), and counts the bytes of the new chunks. Reported per parameter set:
// mean chunk size, new-chunk bytes per edit (mean, 95th percentile), and what that predicts for the bench: the cache
// of 10 versions (1 + 9 × 10 × mean / 1 GiB) and the largest of 9 pushes (mean over groups of 9 versions of 10 edits
// each, of the group's largest version). The floor for one edit is the run plus E[S²]/E[S] (about one mean chunk when sizes
// spread little); the gap to it is what a late resynchronisation costs.
import { cutPoint } from '../dist/data/chunks/fastcdc.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const MIB = Number(opt('mib', 256));
const EDITS = Number(opt('edits', 360));
const GRID = opt('grid', 'default');
const SEED = Number(opt('seed', 2026));
const PARAMS = opt('params', '');
const RUN = Math.floor((2 ** 30 * 0.01) / 10);
const KiB = 1024;

/** xorshift32 bytes, written 4 at a time: the same buffer on every run. */
function pseudoRandom(n, seed) {
  const words = new Uint32Array(Math.ceil(n / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return new Uint8Array(words.buffer, 0, n);
}

function cuts(data, params) {
  const out = [];
  let start = 0;
  while (start < data.length) out.push((start = cutPoint(data, start, data.length, true, params)));
  return out;
}

/** The last old cut ≤ at (0 when none), by binary search over the sorted cut ends. */
function boundaryBefore(ends, at) {
  let lo = 0;
  let hi = ends.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= at) {
      best = ends[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

function simulate(data, params, edits) {
  const ends = cuts(data, params);
  let sq = 0;
  for (let i = 0, prev = 0; i < ends.length; prev = ends[i++]) sq += (ends[i] - prev) ** 2;
  const old = new Set(ends);
  const perEdit = [];
  let x = SEED * 7 + 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (data.length - RUN - (64 << 20)));
    const saved = data.slice(at, at + RUN);
    data.set(pseudoRandom(RUN, e + 1), at);
    const from = boundaryBefore(ends, at);
    let start = from;
    for (;;) {
      start = cutPoint(data, start, data.length, true, params);
      if (start >= at + RUN && old.has(start)) break;
    }
    data.set(saved, at);
    perEdit.push(start - from);
  }
  const mean = perEdit.reduce((s, n) => s + n, 0) / edits;
  const sorted = [...perEdit].sort((a, b) => a - b);
  const versions = [];
  for (let v = 0; v + 10 <= edits; v += 10) versions.push(perEdit.slice(v, v + 10).reduce((s, n) => s + n, 0));
  const worst = [];
  for (let g = 0; g + 9 <= versions.length; g += 9) worst.push(Math.max(...versions.slice(g, g + 9)));
  return {
    meanChunk: data.length / ends.length,
    // An edit at a random offset lands in a chunk drawn by size (mean E[S²]/E[S]); with perfect resync it rewrites
    // the run plus that much: about half that chunk before the run and, after it, the rest up to the next old cut.
    floor: RUN + sq / data.length,
    mean,
    p95: sorted[Math.floor(edits * 0.95)],
    cache: 1 + (9 * 10 * mean) / 2 ** 30,
    push: worst.reduce((s, n) => s + n, 0) / worst.length / 2 ** 30,
  };
}

function grid() {
  const sets = [];
  if (PARAMS) {
    for (const one of PARAMS.split(';')) {
      const [min, avg, max, normalization] = one.split(',').map(Number);
      sets.push({ min: min * KiB, avg: avg * KiB, max: max * KiB, normalization });
    }
  } else if (GRID === 'all') {
    for (const avg of [768 * KiB, 1024 * KiB])
      for (const min of [64 * KiB, 128 * KiB, 256 * KiB])
        for (const normalization of [0, 1, 2, 3])
          for (const max of [2048 * KiB, 4096 * KiB]) sets.push({ min, avg, max, normalization });
  } else {
    for (const avg of [768 * KiB, 1024 * KiB])
      for (const min of [64 * KiB, 128 * KiB, 256 * KiB])
        for (const normalization of [1, 2, 3]) sets.push({ min, avg, max: 4096 * KiB, normalization });
  }
  return sets;
}

const data = pseudoRandom(MIB << 20, SEED);
console.log(`${MIB} MiB buffer, ${EDITS} edits of ${RUN} bytes; floor = run + E[S²]/E[S] of the chunk sizes S`);
console.log('min KiB | avg KiB | max KiB | norm | mean chunk KiB | floor KiB/edit | new KiB/edit | p95 KiB | cache (10 versions) | worst push');
for (const p of grid()) {
  const r = simulate(data, p, EDITS);
  const k = (n) => String(Math.round(n / KiB)).padStart(6);
  console.log(`${k(p.min)} | ${k(p.avg)} | ${k(p.max)} | ${p.normalization} | ${k(r.meanChunk)} | ${k(r.floor)} | ${k(r.mean)} | ${k(r.p95)} | ${r.cache.toFixed(3)}× | ${(r.push * 100).toFixed(2)}%`);
}
