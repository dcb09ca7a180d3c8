// Runs every test file with node's test runner (Node 20 needs explicit file names), prints the runner's own
// summary, then one closing line "N passed, N failed". A run that executes no test fails.
//
// The whole suite (no filter given) runs in two passes: every file on the default cache layout, then the files
// that say `// cairn-test: both-layouts` once more with every new cache in the other layout (CAIRN_TEST_CACHE_LAYOUT),
// so the data layer is tested on loose objects and on packs alike. With filters, one pass runs, on the layout
// CAIRN_TEST_CACHE_LAYOUT names (the default when unset).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The layout new caches get when nothing says otherwise (DEFAULT_NEW_LAYOUT in src/data/packs/cacheLayout.ts). */
const DEFAULT_LAYOUT = '2';
const OTHER_LAYOUT = DEFAULT_LAYOUT === '1' ? '2' : '1';
const BOTH_LAYOUTS = /^\/\/ cairn-test: both-layouts\b/m;

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) find(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** Runs `files` in one test-runner process tree with `env`; returns its exit status and TAP counts. */
function runPass(files, env) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-tests-'));
  const tapFile = path.join(tmp, 'report.tap');
  const concurrency = process.env.CAIRN_TEST_CONCURRENCY ?? '3';
  const result = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1', ...env } },
  );
  let tap = '';
  try { tap = readFileSync(tapFile, 'utf8'); } catch { /* the runner died before writing */ }
  rmSync(tmp, { recursive: true, force: true });
  const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)`, 'm')) ?? [])[1] ?? 0);
  return { ok: result.status === 0, passed: count('pass'), failed: count('fail') + count('cancelled') };
}

const filters = process.argv.slice(2);
let files = find('test').sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.log('no test files found');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passes = [runPass(files, {})];
if (!filters.length && !process.env.CAIRN_TEST_CACHE_LAYOUT) {
  const both = files.filter((f) => BOTH_LAYOUTS.test(readFileSync(f, 'utf8')));
  console.log(`\n# The data layer once more, on cache layout ${OTHER_LAYOUT}: ${both.length} files\n`);
  passes.push(runPass(both, { CAIRN_TEST_CACHE_LAYOUT: OTHER_LAYOUT }));
}
const passed = passes.reduce((n, p) => n + p.passed, 0);
const failed = passes.reduce((n, p) => n + p.failed, 0);
const ok = passes.every((p) => p.ok) && failed === 0 && passes.every((p) => p.passed > 0);
console.log(`${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed`);
process.exit(ok ? 0 : 1);
