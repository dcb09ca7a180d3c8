// Issue 7 measurements of the training-code clients: the Python client (pythonClientBench.py) and the TypeScript SDK.
// Runs inside `npm run bench` (section "clients") or alone: `node bench/clientsBench.mjs` (BENCH_SCALE=0.1 to try).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, cairn, hasCommand, human, row, sh, newCairnRepo } from './harness.mjs';
import { formatTable } from './table.mjs';

function runJson(program, args, env, cwd) {
  const r = spawnSync(program, args, { env, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** The TypeScript SDK: `points` logMetric calls in a tight loop into a stage-like events file, flushed and closed. */
const SDK_SCRIPT = `
const { startRun, endRun } = await import(process.argv[1]);
const points = Number(process.argv[2]);
const start = process.hrtime.bigint();
const run = startRun({ env: { CAIRN_RUN_ID: '0123456789abcdef0123456789abcdef', CAIRN_EVENTS: process.argv[3] } });
for (let i = 0; i < points; i++) run.logMetric('loss', i * 0.001, i);
run.end();
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - start) / 1e9 }));
`;

const rate = (points, seconds) => `${human(Math.round(points / seconds))} points/s`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A Python script outside any pipeline logging `points` metric points; leaving the run ingests it (printed: seconds). */
const END_TO_END_SCRIPT = `
import json, sys, time
import cairn
start = time.perf_counter()
with cairn.start_run(name="bench") as run:
    for i in range(int(sys.argv[1])):
        cairn.log_metric("loss", i * 0.001, step=i)
    logged = time.perf_counter() - start
print(json.dumps({"logged": logged, "total": time.perf_counter() - start, "id": run.id}))
`;

/** The end-to-end figure: points from a Python loop, through the client, into the store by `cairn runs ingest`. */
function benchEndToEnd({ env, dir, scale, rows, log }) {
  if (!hasCommand('runs', env)) {
    log('clients: `cairn runs` not built yet, end-to-end ingestion skipped');
    return;
  }
  const points = Math.max(20_000, Math.round(1_000_000 * scale));
  const repo = newCairnRepo(dir, 'clients-e2e', env);
  writeFileSync(path.join(repo, 'train.py'), END_TO_END_SCRIPT);
  // The snapshot of the build that `npm run bench` measures, else this checkout's CLI.
  const snapshot = path.join(dir, 'cairn-build', 'bin', 'cairn.js');
  const cli = existsSync(snapshot) ? snapshot : path.join(ROOT, 'bin', 'cairn.js');
  log(`clients: ${human(points)} points from a Python script, ingested when its run ends`);
  const r = runJson('python3', ['train.py', String(points)], { ...env, PYTHONPATH: path.join(ROOT, 'clients', 'python'), CAIRN_BIN: cli }, repo);
  if (readdirSync(path.join(repo, '.cairn', 'tracking', 'pending')).length) throw new Error('the run was not ingested: its pending file is still there');
  rows.push(row({
    section: 'clients', name: `${human(points)} points from a Python loop through the client and \`cairn runs ingest\`, end to end: ${rate(points, r.total)} (target ≥ 200k points/s)`,
    cairnSeconds: r.total, kind: 'absolute', target: points / 200_000,
  }));
}

export function benchClients({ env, dir, scale, rows, log }) {
  if (spawnSync('python3', ['--version']).status !== 0) {
    log('clients: python3 not found, Python client skipped');
  } else {
    log('clients: Python client (tight loop, training loop, floor)');
    const py = runJson('python3', [path.join(ROOT, 'bench', 'pythonClientBench.py')], { ...env, BENCH_SCALE: String(scale) });
    const n = human(py.points);
    rows.push(row({
      section: 'clients', name: `${n} \`cairn.log_metric\` points from a Python ${py.python} loop, written to the events file: ${rate(py.points, py.tight)} (median of 3; target ≥ 200k points/s)`,
      cairnSeconds: py.tight, kind: 'absolute', target: py.points / 200_000,
    }));
    rows.push(row({
      section: 'clients', name: `the same ${n} points`, cairnSeconds: py.tight,
      baseline: '`f.write` of the same lines pre-formatted (the floor)', baselineSeconds: py.floor,
    }));
    const stepUs = (py.train.plain_cpu / py.train.steps) * 1e6;
    rows.push(row({
      section: 'clients', name: `training loop, ${human(py.train.steps)} SGD steps of ${stepUs.toFixed(0)} µs CPU each, one \`log_metric\` per step (process CPU time, median of 5)`,
      cairnSeconds: py.train.logged_cpu, baseline: 'the same loop not logging', baselineSeconds: py.train.plain_cpu, target: 1.05,
    }));
    rows.push(row({
      section: 'clients', name: `the same training loop, wall time (a shared machine's load shows here)`,
      cairnSeconds: py.train.logged_wall, baseline: 'the same loop not logging', baselineSeconds: py.train.plain_wall,
    }));
    benchEndToEnd({ env, dir, scale, rows, log });
    rows.push(row({
      section: 'clients', name: `${n} points, full chunks written by the logging thread (what the client does)`,
      cairnSeconds: py.tight, baseline: 'chunks handed to the flush thread', baselineSeconds: py.thread,
    }));
    rows.push(row({
      section: 'clients', name: '1M metric lines formatted by hand (an f-string, floats by `repr`), timed on 200k', cairnSeconds: py.line.hand_us,
      baseline: '`json.dumps` of the same lines', baselineSeconds: py.line.json_us,
    }));
  }
  const points = Math.max(20_000, Math.round(1_000_000 * scale));
  log(`clients: TypeScript SDK, ${human(points)} points`);
  const sdk = pathToFileURL(path.join(ROOT, 'dist', 'sdk', 'index.js')).href;
  const times = [0, 1, 2].map((i) => runJson(process.execPath, ['--input-type=module', '-e', SDK_SCRIPT, sdk, String(points), path.join(dir, `sdk${i}.jsonl`)], env).seconds);
  const seconds = median(times);
  rows.push(row({
    section: 'clients', name: `${human(points)} \`run.logMetric\` points from a Node.js loop through the TypeScript SDK: ${rate(points, seconds)} (median of 3)`,
    cairnSeconds: seconds, kind: 'absolute', target: points / 200_000,
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-clients-'));
  const rows = [];
  try {
    benchClients({ env: process.env, dir, scale: Number(process.env.BENCH_SCALE ?? '1'), rows, log: (m) => process.stderr.write(`[bench] ${m}\n`) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${formatTable(rows)}\n`);
}
