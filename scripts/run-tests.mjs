// Runs every test file with node's test runner (Node 20 needs explicit file names), prints the runner's own
// summary, then one closing line "N passed, N failed". A run that executes no test fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) find(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = find('test').sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.log('no test files found');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
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
  { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
let tap = '';
try { tap = readFileSync(tapFile, 'utf8'); } catch { /* the runner died before writing */ }
rmSync(tmp, { recursive: true, force: true });
const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)`, 'm')) ?? [])[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const ok = result.status === 0 && failed === 0 && passed > 0;
console.log(`${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed`);
process.exit(ok ? 0 : 1);
