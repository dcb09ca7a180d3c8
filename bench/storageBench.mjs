// Issue 12 (chunking half): 10 versions of a large file, each with 1% of its bytes changed in scattered regions —
// bytes stored in the cache and sent per push to a directory remote — and checkout of a chunked file against the
// same file stored whole. BENCH_STORAGE_MIB sets the file size (default 1024 × BENCH_SCALE) for quick runs.
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { bytesHuman, cairn, row, sh } from './harness.mjs';

const VERSIONS = 10;
/** Changed regions per version: 1% of the file split into this many runs of bytes at random offsets. */
const REGIONS = 10;

/** Deterministic offsets (a small LCG), so every run edits the same places. */
function offsets(seed, count, max) {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * max);
  });
}

function editInPlace(file, size, version) {
  const run = Math.floor((size * 0.01) / REGIONS);
  const fd = openSync(file, 'r+');
  try {
    for (const at of offsets(version * 7919, REGIONS, size - run)) writeSync(fd, randomBytes(run), 0, run, at);
  } finally {
    closeSync(fd);
  }
}

/** Random bytes throughout: harness's generateBigFile repeats one block, which chunking would dedupe within the file. */
function randomFile(file, size) {
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < size; done += 8 << 20) writeSync(fd, randomBytes(Math.min(8 << 20, size - done)));
  } finally {
    closeSync(fd);
  }
}

function repoAt(dir, name, env, threshold) {
  const repo = path.join(dir, name);
  mkdirSync(repo);
  sh(repo, 'git init -q -b main .', env);
  cairn(repo, ['init', '-q'], env);
  if (threshold !== undefined) cairn(repo, ['config', 'cache.chunk_threshold', String(threshold)], env);
  return repo;
}

const json = (r) => JSON.parse(r.stdout);

export function benchStorage({ env, dir, scale, rows, log }) {
  const mib = Number(env.BENCH_STORAGE_MIB ?? process.env.BENCH_STORAGE_MIB ?? Math.round(1024 * scale));
  const size = mib * 2 ** 20;
  const label = bytesHuman(size);
  const repo = repoAt(dir, 'storage', env);
  const store = path.join(dir, 'storage-store');
  cairn(repo, ['remote', 'add', '-d', 'bench', store], env);
  const file = path.join(repo, 'model.bin');
  log(`storage: ${VERSIONS} versions of a ${label} file, ${REGIONS} edited regions each`);
  randomFile(file, size);
  cairn(repo, ['add', '-q', 'model.bin'], env);
  const first = json(cairn(repo, ['push', '--json'], env));
  const sent = [];
  for (let v = 2; v <= VERSIONS; v++) {
    editInPlace(file, size, v);
    cairn(repo, ['add', '-q', 'model.bin'], env);
    sent.push(json(cairn(repo, ['push', '--json'], env)).bytes);
  }
  const du = json(cairn(repo, ['du', '--json'], env));
  const kib = (b) => b / 1024;
  rows.push(row({
    section: 'storage', name: `cache size of ${VERSIONS} versions of a ${label} file (1% changed each, in ${REGIONS} regions)`,
    cairnSeconds: kib(du.cache.bytes), baseline: 'one version', baselineSeconds: kib(size), target: 1.3, unit: 'KiB',
    note: `first push sent ${bytesHuman(first.bytes)}`,
  }));
  const worst = Math.max(...sent);
  rows.push(row({
    section: 'storage', name: `bytes sent by the largest push of a new version (of ${VERSIONS - 1}) to a directory`,
    cairnSeconds: kib(worst), baseline: 'the file', baselineSeconds: kib(size), target: 0.05, unit: 'KiB',
  }));

  log('storage: checkout of the chunked file and of the same file stored whole');
  const whole = repoAt(dir, 'storage-whole', env, 0);
  sh(dir, `cp ${JSON.stringify(file)} ${JSON.stringify(path.join(whole, 'model.bin'))}`, env);
  cairn(whole, ['add', '-q', 'model.bin'], env);
  const checkoutTime = (r) => {
    rmSync(path.join(r, 'model.bin'));
    sh(dir, 'sync', env);
    return cairn(r, ['checkout', '-q', 'model.bin'], env).seconds;
  };
  // Median of three each, alternating, so a burst of other load on the machine hits both alike.
  const a = [];
  const b = [];
  for (let i = 0; i < 3; i++) {
    a.push(checkoutTime(repo));
    b.push(checkoutTime(whole));
  }
  const median = (xs) => xs.sort((x, y) => x - y)[1];
  rows.push(row({
    section: 'storage', name: `\`cairn checkout\` of a chunked ${label} file`, cairnSeconds: median(a),
    baseline: 'the same file stored whole', baselineSeconds: median(b), target: 1.25,
    note: 'target: at least 80% of the speed (time ratio ≤ 1.25)',
  }));
  rmSync(whole, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
  rmSync(store, { recursive: true, force: true });
}
